"""The worker's view markers and the rebuild of a lost figures store (docs/reliability.md)."""
