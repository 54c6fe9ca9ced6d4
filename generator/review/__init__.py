"""Review of a change against an earlier revision: git source, integrity rules, reviewer diff, CODEOWNERS."""
