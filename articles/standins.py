"""Deterministic stand-in pictures for figures whose real photograph is not available yet."""

import io

from PIL import Image, ImageDraw, ImageFont

# One distinct palette per figure: sky, ground, buildings.
PALETTES = [
    ((54, 94, 140), (196, 214, 230), (33, 52, 77)),
    ((140, 86, 54), (234, 212, 188), (74, 45, 29)),
    ((70, 128, 92), (206, 232, 214), (30, 66, 44)),
    ((118, 72, 140), (224, 206, 236), (58, 33, 74)),
    ((150, 128, 40), (240, 228, 180), (82, 68, 18)),
    ((60, 110, 120), (200, 226, 230), (24, 56, 62)),
]


def standin_jpeg(index, width=1600, height=1067):
    """A JPEG of a simple city skyline, different for each index, the same on every run."""
    sky, light, dark = PALETTES[index % len(PALETTES)]
    image = Image.new("RGB", (width, height), light)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / height
        colour = tuple(round(s + (li - s) * t) for s, li in zip(sky, light, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    x, step = 0, width // 14
    for i in range(15):
        # Heights follow a fixed pattern shifted by the index, so every picture differs.
        h = height * (0.25 + 0.45 * (((i * 7 + index * 3) % 11) / 10))
        w = step * (0.6 + 0.4 * ((i + index) % 3) / 2)
        draw.rectangle([x, height - h, x + w, height], fill=dark)
        for wy in range(int(height - h + 20), height - 20, 40):
            for wx in range(int(x + 10), int(x + w - 10), 24):
                if (wx + wy + index) % 3:
                    draw.rectangle([wx, wy, wx + 10, wy + 16], fill=light)
        x += w + step * 0.15
    font = ImageFont.load_default(size=height // 14)
    label = f"STAND-IN {index + 1}"
    draw.rectangle([40, 40, 40 + len(label) * height // 24, 60 + height // 12], fill=dark)
    draw.text((56, 48), label, fill=light, font=font)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
