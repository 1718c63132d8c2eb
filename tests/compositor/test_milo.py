"""Stage 2 on simple drawings: no panel, so Milo's head (eye mask) and the suit below it
give his chest; James's white T-shirt and navy clothes, dark boxes and racks are not Milo."""

from __future__ import annotations

from PIL import ImageDraw

from agent.state import ScenePlan
from core.settings import Settings
from render.compositor import compose
from render.compositor.milo import find_milos
from render.compositor.picture import Picture
from tests.compositor import fixtures as fx

NO_POSE = Settings(_env_file=None, pose_weights="does/not/exist.pt")


def whole(picture: Picture) -> list:
    """Milo candidates with the suit below the head."""
    return [m for m in find_milos(picture) if m.suit]


def inside_chest(box, torso) -> bool:
    """The box lies within the torso's width and in its upper half."""
    x0, y0, x1, y1 = box
    tx0, ty0, tx1, ty1 = torso
    return tx0 - 4 <= x0 < x1 <= tx1 + 4 and ty0 - 4 <= y0 < y1 <= ty0 + (ty1 - ty0) * 0.6


def test_milo_without_panel_gets_a_chest_box():
    image = fx.lab()
    milo = fx.milo(image, 500, panel=False)
    done = compose(image, "RTFM", settings=NO_POSE, wearer="milo")
    assert done.result.method == "shirt-color"
    assert inside_chest(done.result.box, milo.torso)
    assert [t["stage"] for t in done.detection.tried] == ["panel", "shirt-color"]


def test_white_tshirt_and_monitor_do_not_distract():
    image = fx.lab()
    milo = fx.milo(image, 280, panel=False, scale=0.8)
    fx.james(image, 740, scale=0.85)
    fx.monitor(image, (560, 640, 900, 800))
    image = fx.blurred(fx.noisy(image, sigma=10, seed=1), radius=1.2)
    found = whole(Picture(image))
    assert found, "Milo was not found"
    assert inside_chest(found[0].chest, milo.torso)  # the best candidate is him
    result = compose(image, "RTFM", settings=NO_POSE).result
    assert result.method == "shirt-color"
    assert inside_chest(result.box, milo.torso)


def test_a_raised_arm_does_not_move_the_chest():
    image = fx.lab()
    milo = fx.milo(image, 420, panel=False, arm_up=True, top=330)
    suits = whole(Picture(image))
    assert len(suits) == 1
    assert inside_chest(suits[0].chest, milo.torso)


def test_dark_boxes_are_not_suits():
    image = fx.lab()
    fx.cabinet(image, (40, 300, 260, 600))  # a 3D printer on the floor
    fx.cabinet(image, (700, 120, 960, 840))  # a rack
    assert whole(Picture(image)) == []
    milo = fx.milo(image, 470, panel=False, scale=0.8)
    plan = ScenePlan(characters=["james", "milo"], plate="north", prompt="p", source="rules")
    result = compose(image, "RTFM", plan=plan, settings=NO_POSE, wearer="milo").result
    assert result.method == "shirt-color"
    assert inside_chest(result.box, milo.torso)


def test_a_black_rack_behind_milo_is_not_his_suit():
    # A near-black rack with LEDs, and a charcoal switch of the suit's own colour, that
    # Milo's outline touches: without the cut they are one dark blob, widest at the rack.
    image = fx.lab()
    draw = ImageDraw.Draw(image)
    # (it stands on the floor, as Milo does: his torso reaches below its foot)
    draw.rectangle((300, 60, 740, 840), fill=(22, 23, 28), outline=(36, 38, 44), width=16)
    draw.rectangle((330, 110, 710, 170), fill=(58, 62, 70), outline=(20, 20, 24), width=4)
    for x in range(345, 700, 30):
        draw.ellipse((x, 125, x + 10, 135), fill=(70, 230, 90))
    milo = fx.milo(image, 520, panel=False, top=380)
    draw.rectangle((milo.torso[0] - 6, milo.torso[1], milo.torso[2] + 6, milo.torso[3]), outline=(28, 28, 36), width=4)
    for noisy in (image, fx.blurred(fx.noisy(image, sigma=8, seed=2), radius=1.0)):
        suits = whole(Picture(noisy))
        assert len(suits) == 1
        assert inside_chest(suits[0].chest, milo.torso)


def test_james_alone_has_no_suit():
    image = fx.lab()
    fx.james(image, 512)
    assert whole(Picture(image)) == []
    assert compose(image, "RTFM", settings=NO_POSE, wearer="milo").result.method == "fixed-box"


def test_plan_picks_milo_among_two_suits():
    image = fx.lab()
    left = fx.milo(image, 270, panel=False, scale=0.75)
    right = fx.milo(image, 760, panel=False, scale=0.75)
    for order, torso in ((["milo", "james"], left.torso), (["james", "milo"], right.torso)):
        plan = ScenePlan(characters=order, plate="east", prompt="p", source="rules")
        result = compose(image, "RTFM", plan=plan, settings=NO_POSE, wearer="milo").result
        assert result.method == "shirt-color"
        assert inside_chest(result.box, torso)


def test_slogan_on_the_suit_reads_back(ocr):
    image = fx.lab()
    fx.milo(image, 512, panel=False, scale=1.3)
    done = compose(image, "Works On My Machine", settings=NO_POSE, wearer="milo")
    assert done.result.method == "shirt-color"
    assert ocr(done.image, done.result, "Works On My Machine")
