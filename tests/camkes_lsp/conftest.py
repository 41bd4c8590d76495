"""The real `drvls serve` over stdio, for CAmkES multi-file apps."""
