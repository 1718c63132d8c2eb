"""Rendering: backends that turn a ScenePlan into a clean picture, the compositor that
writes the slogan on Milo's chest, and the service that queues it all on a GPU box.

`render.types` is light (pydantic only); backends import torch and friends lazily.
"""
