"""Settings of the pages benchmark's gunicorn (bench/pages.py): the site's own, plus the
bare view's URL (bench/pages_urls.py). Never used outside the benchmark."""

from mening_uyim.settings import *  # noqa: F403

ROOT_URLCONF = "bench.pages_urls"
