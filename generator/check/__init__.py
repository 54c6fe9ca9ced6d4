"""Checks on the loaded record: references, chronology, evidence, links."""
