"""The models: the registry (``models.toml``), hub downloads, model folders, and the engine backends."""
