"""The record: strict YAML reading, the schema declarations, typed records and the loader."""
