"""The Pillow pipeline for figures: judge an upload, then make clean renditions of it.

- fields.py: check_photo() decides whether an uploaded file is a photo we accept. Pillow
  decides, never the file name, and the size limits are checked from the header before
  anything is decoded. PhotoFormField and validate_photo() are what the models use.
- render.py: render_renditions() turns an original into the resized, upright, sRGB,
  metadata-free files readers get. It is plain Pillow and bytes (no Django models), so
  bench/renditions.py can time it on its own.
- renditions.py: sync_renditions() makes the renditions a figure needs, through Django's
  storage API, and drops the ones it no longer needs. It runs when a figure is saved
  (articles/signals.py) and from `manage.py regenerate_renditions`; a public request never
  processes an image.
"""
