"""Stage 3: Jinja2 templates, one per output file, over the resolved plan.

Two sets: each profile's own files (its module's entry points and the
resolved profile text the conformance runner reads), and the conformance
sources shared by every profile (generated/conformance/), which depend on
the header and the rules only.
"""
import os

import jinja2

from . import plan as plan_module
from . import wolfcrypt_settings

TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "templates")
OUTPUTS = (
    ("entry_points.c", "entry_points.c.j2"),
    ("p11_backend.h", "p11_backend.h.j2"),
    ("profile.h", "profile.h.j2"),
    ("profile.c", "profile.c.j2"),
    ("conformance_profile.txt", "conformance_profile.txt.j2"),
    ("wolfcrypt_user_settings.h", "wolfcrypt_user_settings.h.j2"),
    ("firmware_budgets.txt", "firmware_budgets.txt.j2"),
)
SHARED_FOLDER = "conformance"
SHARED_OUTPUTS = (
    ("skeleton_tests.cpp", "skeleton_tests.cpp.j2"),
    ("function_list_guard.cpp", "function_list_guard.cpp.j2"),
    ("constant_names.cpp", "constant_names.cpp.j2"),
    ("return_value_table.cpp", "return_value_table.cpp.j2"),
)
PROFILE_TEXT = "conformance_profile.txt"


def _c_string(value, null="NULL"):
    """A C string literal; profile strings are checked to need no escapes."""
    return null if value is None else '"' + value + '"'


def _c_text(value):
    """A C string literal of any text (the specification's sentences): quotes and backslashes escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _one_line(text):
    """Whitespace runs (newlines included) as one space: the text format is line based."""
    return " ".join(str(text).split())


def _environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["c_string"] = _c_string
    env.filters["c_text"] = _c_text
    env.filters["one_line"] = _one_line
    return env


def _render(outputs, context):
    env = _environment()
    return {name: env.get_template(template).render(context, output=name) for name, template in outputs}


def _profile_context(api, profile, sources):
    plans = plan_module.build(api, profile)
    return {
        "api": api,
        "profile": profile,
        "plans": plans,
        "in_profile": [p for p in plans if p.in_profile],
        "outside": [p for p in plans if not p.in_profile],
        "sources": sources,
        "wolfcrypt": wolfcrypt_settings.settings_for(profile),
    }


def render(api, profile, sources):
    """Returns {file name: text} for one profile. `sources` names the inputs for the banner."""
    return _render(OUTPUTS, _profile_context(api, profile, sources))


def render_profile_text(api, profile, sources):
    """The resolved profile text alone (generate.py --resolve)."""
    outputs = [entry for entry in OUTPUTS if entry[0] == PROFILE_TEXT]
    return _render(outputs, _profile_context(api, profile, sources))[PROFILE_TEXT]


def render_shared(api, header, sources, returns=None, meanings=()):
    """Returns {file name: text} for generated/conformance/, the same for every profile.

    `returns`: plan.return_values() of spec/return_values.yaml, for the
    runner's return-value check; `meanings`: plan.return_value_meanings(),
    the sentence a failed check quotes."""
    context = {
        "skeletons": plan_module.skeletons(api),
        "outside_cite": plan_module.OUTSIDE_CITE,
        "guard": plan_module.guard_entries(header, api, returns),
        "rv_names": plan_module.constant_table(header.constants, "CKR_"),
        "mechanism_names": plan_module.constant_table(header.constants, "CKM_"),
        "flag_names": plan_module.constant_table(header.constants, "CKF_"),
        "meanings": meanings,
        "sources": sources,
    }
    return _render(SHARED_OUTPUTS, context)
