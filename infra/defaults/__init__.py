"""The embedded default dataset, built from registry packages alone (approximate boundaries, synthetic inventory)."""
