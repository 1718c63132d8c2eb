"""Test pictures for the compositor drawn independently of `render/draw`: Milos of other
proportions, line widths and detail, seated, cut by the frame, small and far or hidden
behind a desk or James; rooms with distractors on walls of every hue; and a renderer's
light (colour casts, exposure, vignette, gradients, noise, blur, JPEG) over any picture.

`frames.frame(kind, seed)` puts them together with the ground truth the tests score.
"""
