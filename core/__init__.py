"""Shared ground for every part of milo-cartoons: settings, errors and paths.

Nothing in this package imports torch, diffusers or ultralytics.
"""
