"""CAmkES tests: the package under test is imported from the source tree (see camkes_helpers)."""
