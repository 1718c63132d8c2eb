"""Flat-cartoon Pillow drawings for the preview backend: the four walls (`plates`) and
stand-ins for the characters (`figures`). CPU only, deterministic per seed."""
