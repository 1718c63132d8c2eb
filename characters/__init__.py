"""The characters: one folder each (a `character.toml` sheet, references, LoRA) and the
tools that make a character (dataset prep, captioning, LoRA training)."""
