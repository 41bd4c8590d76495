"""One real `drvls serve` per test module (see annotation_support); tests only query, so they share it."""

from annotation_support import annotations_client

__all__ = ["annotations_client"]
