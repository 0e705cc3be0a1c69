#!/usr/bin/env python3
"""Draws the demo newsroom's hero illustrations into static/img/demo/ (1200x675 JPEG).

Also the brand images beside them (logo, site image); `site-image` as
the only argument draws just the site image. Run once by hand (needs Pillow: pip install pillow); the images are committed, so neither the
build nor the tests need Python. Deterministic: the same script gives the same pictures.
"""
import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

W, H = 1200, 675
S = 2  # drawn at twice the size, then scaled down, for smooth edges
OUT = Path(__file__).resolve().parent.parent / "static" / "img" / "demo"


def gradient(top, bottom):
    img = Image.new("RGB", (W * S, H * S), top)
    draw = ImageDraw.Draw(img)
    for y in range(H * S):
        t = y / (H * S - 1)
        color = tuple(int(a + (b - a) * t) for a, b in zip(top, bottom))
        draw.line([(0, y), (W * S, y)], fill=color)
    return img, draw


def skyline(rng):
    img, d = gradient((58, 36, 102), (240, 140, 90))
    d.ellipse([820 * S, 120 * S, 960 * S, 260 * S], fill=(255, 214, 150))
    x = 0
    while x < W * S:
        w = rng.randint(60, 140) * S
        h = rng.randint(180, 480) * S
        d.rectangle([x, H * S - h, x + w, H * S], fill=(30, 22, 48))
        for wy in range(H * S - h + 20 * S, H * S - 20 * S, 36 * S):
            for wx in range(x + 12 * S, x + w - 16 * S, 28 * S):
                if rng.random() < 0.45:
                    d.rectangle([wx, wy, wx + 12 * S, wy + 18 * S], fill=(255, 196, 92))
        x += w + rng.randint(4, 20) * S
    return img


def harbour(rng):
    img, d = gradient((250, 196, 140), (120, 170, 200))
    d.ellipse([520 * S, 300 * S, 680 * S, 460 * S], fill=(255, 230, 170))
    d.rectangle([0, 420 * S, W * S, H * S], fill=(40, 80, 110))
    for y in range(440, 675, 18):
        d.line([(rng.randint(0, 900) * S, y * S), (rng.randint(300, 1200) * S, y * S)], fill=(90, 140, 170), width=2 * S)
    for cx in (150, 330, 960):
        d.rectangle([cx * S, 180 * S, (cx + 16) * S, 420 * S], fill=(30, 40, 60))
        d.line([(cx * S, 190 * S), ((cx + 170) * S, 190 * S)], fill=(30, 40, 60), width=10 * S)
        d.line([((cx + 150) * S, 190 * S), ((cx + 150) * S, 300 * S)], fill=(30, 40, 60), width=3 * S)
    d.polygon([(700 * S, 420 * S), (1080 * S, 420 * S), (1040 * S, 470 * S), (740 * S, 470 * S)], fill=(30, 40, 60))
    d.rectangle([800 * S, 370 * S, 930 * S, 420 * S], fill=(30, 40, 60))
    return img


def chamber(rng):
    img, d = gradient((110, 20, 30), (40, 8, 16))
    d.pieslice([400 * S, 120 * S, 800 * S, 520 * S], 180, 360, fill=(214, 168, 70))
    d.rectangle([340 * S, 320 * S, 860 * S, 360 * S], fill=(230, 190, 100))
    for i in range(9):
        x = 370 + i * 58
        d.rectangle([x * S, 360 * S, (x + 22) * S, 560 * S], fill=(240, 205, 120))
    d.rectangle([300 * S, 560 * S, 900 * S, 600 * S], fill=(230, 190, 100))
    d.rectangle([592 * S, 60 * S, 608 * S, 120 * S], fill=(230, 190, 100))
    return img


def ballot(rng):
    img, d = gradient((230, 236, 245), (170, 190, 220))
    d.rectangle([420 * S, 330 * S, 780 * S, 600 * S], fill=(40, 70, 140))
    d.rectangle([520 * S, 320 * S, 680 * S, 340 * S], fill=(20, 30, 60))
    d.polygon([(560 * S, 120 * S), (660 * S, 100 * S), (680 * S, 330 * S), (580 * S, 340 * S)], fill=(255, 255, 255))
    d.line([(590 * S, 170 * S), (640 * S, 160 * S)], fill=(200, 40, 60), width=6 * S)
    d.line([(600 * S, 200 * S), (640 * S, 195 * S)], fill=(120, 120, 140), width=4 * S)
    return img


def markets(rng):
    img, d = gradient((14, 24, 32), (20, 44, 52))
    for x in range(0, W, 60):
        d.line([(x * S, 0), (x * S, H * S)], fill=(34, 60, 70), width=S)
    for y in range(0, H, 60):
        d.line([(0, y * S), (W * S, y * S)], fill=(34, 60, 70), width=S)
    h = 120
    for i in range(14):
        h = max(60, h + rng.randint(-20, 45))
        x = 80 + i * 75
        d.rectangle([x * S, (620 - h) * S, (x + 48) * S, 620 * S], fill=(60, 200, 130))
    pts = [((104 + i * 75) * S, (600 - 60 - i * 28 + rng.randint(-20, 20)) * S) for i in range(14)]
    d.line(pts, fill=(240, 220, 100), width=6 * S, joint="curve")
    return img


def factory(rng):
    img, d = gradient((190, 220, 240), (235, 240, 245))
    for i, x in enumerate(range(80, 1100, 220)):
        d.rectangle([(x + 120) * S, 200 * S, (x + 150) * S, 420 * S], fill=(120, 90, 80))
        d.ellipse([(x + 110) * S, 150 * S, (x + 190) * S, 210 * S], fill=(220, 225, 230))
        d.polygon([(x * S, 420 * S), ((x + 110) * S, 340 * S), ((x + 110) * S, 420 * S), ((x + 220) * S, 340 * S), ((x + 220) * S, 420 * S)], fill=(90, 100, 120))
    d.rectangle([0, 420 * S, W * S, H * S], fill=(70, 78, 92))
    return img


def orbit(rng):
    img, d = gradient((6, 8, 30), (20, 16, 60))
    for _ in range(400):
        x, y = rng.randint(0, W * S), rng.randint(0, H * S)
        r = rng.choice([1, 1, 2, 3])
        d.ellipse([x, y, x + r * S, y + r * S], fill=(255, 255, 240))
    d.ellipse([450 * S, 190 * S, 750 * S, 490 * S], fill=(230, 150, 80))
    d.ellipse([300 * S, 310 * S, 900 * S, 370 * S], outline=(240, 210, 160), width=8 * S)
    for (x, y, r) in ((230, 150, 30), (960, 480, 22), (880, 140, 14)):
        d.ellipse([(x - r) * S, (y - r) * S, (x + r) * S, (y + r) * S], fill=(200, 200, 215))
    return img


def laboratory(rng):
    img, d = gradient((10, 70, 80), (6, 30, 40))
    for x, h, c in ((250, 260, (90, 230, 200)), (520, 200, (250, 200, 90)), (800, 300, (230, 110, 160))):
        d.rectangle([(x + 40) * S, (560 - h) * S, (x + 80) * S, (560 - h + 120) * S], outline=(200, 240, 240), width=4 * S)
        d.polygon([((x + 40) * S, (560 - h + 120) * S), ((x + 80) * S, (560 - h + 120) * S), ((x + 150) * S, 560 * S), ((x - 30) * S, 560 * S)], fill=c, outline=(200, 240, 240))
    d.rectangle([0, 560 * S, W * S, H * S], fill=(4, 20, 26))
    return img


def stage(rng):
    img, d = gradient((20, 10, 14), (50, 20, 24))
    d.polygon([(600 * S, 0), (420 * S, 620 * S), (780 * S, 620 * S)], fill=(110, 90, 70))
    d.ellipse([440 * S, 570 * S, 760 * S, 660 * S], fill=(230, 210, 170))
    for side in (0, 1):
        for i in range(6):
            x = i * 45 if side == 0 else W - (i + 1) * 45
            d.rectangle([x * S, 0, (x + 40) * S, 620 * S], fill=(150 - i * 8, 20, 30))
    d.rectangle([0, 0, W * S, 70 * S], fill=(120, 16, 26))
    d.rectangle([0, 620 * S, W * S, H * S], fill=(60, 34, 24))
    return img


def gallery(rng):
    img, d = gradient((236, 232, 224), (214, 208, 198))
    palette = [(220, 80, 60), (40, 90, 160), (240, 190, 60), (60, 140, 100), (30, 30, 40)]
    for (x, y, w, h) in ((120, 150, 260, 320), (470, 200, 260, 200), (820, 120, 260, 360)):
        d.rectangle([(x - 14) * S, (y - 14) * S, (x + w + 14) * S, (y + h + 14) * S], fill=(60, 50, 40))
        d.rectangle([x * S, y * S, (x + w) * S, (y + h) * S], fill=(250, 248, 240))
        for _ in range(5):
            c = rng.choice(palette)
            a, b = rng.randint(x, x + w - 40), rng.randint(y, y + h - 40)
            d.rectangle([a * S, b * S, min(x + w, a + rng.randint(30, 120)) * S, min(y + h, b + rng.randint(30, 120)) * S], fill=c)
    d.rectangle([0, 560 * S, W * S, H * S], fill=(170, 140, 110))
    return img


def stadium(rng):
    img, d = gradient((8, 12, 30), (16, 24, 50))
    d.polygon([(0, 420 * S), (W * S, 420 * S), (W * S, H * S), (0, H * S)], fill=(40, 140, 70))
    for i in range(0, 12):
        x = i * 100
        d.rectangle([x * S, 420 * S, (x + 50) * S, H * S], fill=(50, 155, 80))
    d.polygon([(0, 260 * S), (W * S, 260 * S), (W * S, 420 * S), (0, 420 * S)], fill=(50, 40, 70))
    for x in (120, 1080):
        d.rectangle([(x - 4) * S, 60 * S, (x + 4) * S, 260 * S], fill=(180, 180, 190))
        d.rectangle([(x - 50) * S, 40 * S, (x + 50) * S, 80 * S], fill=(255, 250, 220))
    d.line([(600 * S, 420 * S), (600 * S, H * S)], fill=(230, 240, 230), width=4 * S)
    d.ellipse([500 * S, 480 * S, 700 * S, 620 * S], outline=(230, 240, 230), width=4 * S)
    return img


def track(rng):
    img, d = gradient((196, 96, 64), (170, 76, 52))
    for i in range(8):
        r = 360 + i * 70
        d.ellipse([(600 - r * 1.6) * S, (900 - r) * S, (600 + r * 1.6) * S, (900 + r) * S], outline=(250, 245, 235), width=5 * S)
    d.rectangle([0, 0, W * S, 60 * S], fill=(40, 120, 60))
    return img


SCENES = [
    ("skyline.jpg", skyline), ("harbour.jpg", harbour), ("chamber.jpg", chamber),
    ("ballot.jpg", ballot), ("markets.jpg", markets), ("factory.jpg", factory),
    ("orbit.jpg", orbit), ("laboratory.jpg", laboratory), ("stage.jpg", stage),
    ("gallery.jpg", gallery), ("stadium.jpg", stadium), ("track.jpg", track),
]

def scenes():
    OUT.mkdir(parents=True, exist_ok=True)
    for index, (name, draw) in enumerate(SCENES):
        img = draw(random.Random(index)).resize((W, H), Image.LANCZOS)
        img = img.filter(ImageFilter.GaussianBlur(0.4))
        img.save(OUT / name, "JPEG", quality=78, optimize=True, progressive=True)


def crops():
    """Centre crops at 4:3 and 1:1 beside each illustration, named <stem>-4x3.jpg and
    <stem>-1x1.jpg: the naming every stored hero image follows (see src/media.rs)."""
    for name, _ in SCENES:
        original = Image.open(OUT / name)
        stem = name.rsplit(".", 1)[0]
        for label, width in (("4x3", H * 4 // 3), ("1x1", H)):
            left = (W - width) // 2
            crop = original.crop((left, 0, left + width, H))
            crop.save(OUT / f"{stem}-{label}.jpg", "JPEG", quality=78, optimize=True, progressive=True)


def brand():
    """The publisher logo (600x60, as Google asks for)."""
    from PIL import ImageFont
    font_path = "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"
    red = (163, 18, 42)
    logo = Image.new("RGB", (600, 60), (255, 255, 255))
    d = ImageDraw.Draw(logo)
    d.rounded_rectangle([4, 6, 52, 54], radius=9, fill=red)
    d.arc([14, 16, 42, 44], 20, 330, fill=(255, 255, 255), width=5)
    d.line([(30, 31), (42, 31)], fill=(255, 255, 255), width=5)
    d.text((66, 6), "The Gazette", font=ImageFont.truetype(font_path, 42), fill=(22, 24, 29))
    logo.save(OUT.parent / "logo.png", optimize=True)


def site_image():
    """The bundled site image (1600x1200): what pages without a picture of their own show
    search engines and social networks. Gazette cuts it to 16:9, 4:3 and 1:1 at 1,200 px wide
    at start (src/site_image.rs), so the words sit inside the centre 1200x900."""
    from PIL import ImageFont
    fonts = [
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ]
    font_path = next(f for f in fonts if Path(f).exists())
    red, white = (163, 18, 42), (255, 255, 255)
    card = Image.new("RGB", (1600 * S, 1200 * S), red)
    d = ImageDraw.Draw(card)
    # The logo's mark, large, above the name.
    cx, top = 800 * S, 330 * S
    d.rounded_rectangle([cx - 90 * S, top, cx + 90 * S, top + 180 * S], radius=34 * S, fill=white)
    d.arc([cx - 52 * S, top + 38 * S, cx + 52 * S, top + 142 * S], 20, 330, fill=red, width=18 * S)
    d.line([(cx, top + 92 * S), (cx + 46 * S, top + 92 * S)], fill=red, width=18 * S)
    d.text((cx, 650 * S), "The Gazette", font=ImageFont.truetype(font_path, 132 * S), fill=white, anchor="mm")
    d.text((cx, 780 * S), "Independent news, every day", font=ImageFont.truetype(font_path, 48 * S), fill=(255, 220, 225), anchor="mm")
    card = card.resize((1600, 1200), Image.LANCZOS)
    card.save(OUT.parent / "site-image.jpg", "JPEG", quality=88, optimize=True)


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["site-image"]:
        site_image()
    else:
        scenes()
        crops()
        brand()
        site_image()
