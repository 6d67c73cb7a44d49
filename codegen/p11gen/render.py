"""Stage 3: Jinja2 templates, one per output file, over the resolved plan."""
import os

import jinja2

from . import plan as plan_module

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
OUTPUTS = (
    ("entry_points.c", "entry_points.c.j2"),
    ("p11_backend.h", "p11_backend.h.j2"),
    ("profile.h", "profile.h.j2"),
    ("profile.c", "profile.c.j2"),
    ("skeleton_tests.cpp", "skeleton_tests.cpp.j2"),
    ("conformance_profile.h", "conformance_profile.h.j2"),
)


def _c_string(value, null="NULL"):
    """A C string literal; profile strings are checked to need no escapes."""
    return null if value is None else '"' + value + '"'


def _environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["c_string"] = _c_string
    return env


def render(api, profile, sources):
    """Returns {file name: text} for one profile. `sources` names the inputs for the banner."""
    plans = plan_module.build(api, profile)
    context = {
        "api": api,
        "profile": profile,
        "plans": plans,
        "in_profile": [p for p in plans if p.in_profile],
        "outside": [p for p in plans if not p.in_profile],
        "sources": sources,
        "rv_names": sorted(n for n in api.constants if n.startswith("CKR_")),
    }
    env = _environment()
    return {name: env.get_template(template).render(context, output=name) for name, template in OUTPUTS}
