"""Render backends behind one interface (`base.Backend`); `base.get_backend(name)` picks one."""
