"""Semantic checks over the resolved model and the flattened assembly (camkes-tool stages 8–10)."""
