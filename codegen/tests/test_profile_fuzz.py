"""The profile resolver on hostile input (issue 19's bounded property test:
atheris is not in Debian). Profiles derived from the shipped ones by random
changes — keys dropped or added, values of every wrong type, lines cut or
garbled — either load or are refused with a SpecError that names a file; no
other exception, no hang. Seeded, so a failure reproduces."""
import os
import random
import unittest

import yaml

from p11gen import profile, profile_checks
from p11gen.errors import SpecError
from tests import support

PROFILES = [os.path.join(support.PROFILES, name) for name in sorted(os.listdir(support.PROFILES))]
EXAMPLES = os.path.join(support.ROOT, "docs", "examples", "profiles")
CATALOG = os.path.join(support.ROOT, "spec", "backend_mechanisms.yaml")
ROUNDS = 1500

ODD_VALUES = [None, True, 0, -1, 2 ** 70, 1.5, "", "x" * 300, "é\u202e", [], [None], {}, {"a": 1}, [[1]],
              "CKM_SHA256", "CKF_SIGN", "Any", "C_Login", [4, 1], [0, 0], [256, 255], ["a", "b"]]


def mutate_data(data, rng):
    """One random change somewhere in the loaded YAML data."""
    if not isinstance(data, dict) or not data or rng.random() < 0.15:
        return rng.choice(ODD_VALUES)
    key = rng.choice(list(data))
    action = rng.random()
    if action < 0.25:
        del data[key]
    elif action < 0.45:
        data[key] = rng.choice(ODD_VALUES)
    elif action < 0.55:
        data[rng.choice(["unknown", "remove", "extends", "mechanisms", "tests"])] = rng.choice(ODD_VALUES)
    elif isinstance(data[key], dict):
        data[key] = mutate_data(data[key], rng)
    elif isinstance(data[key], list) and data[key]:
        index = rng.randrange(len(data[key]))
        data[key][index] = mutate_data(data[key][index], rng) if isinstance(data[key][index], dict) \
            else rng.choice(ODD_VALUES)
    else:
        data[key] = rng.choice(ODD_VALUES)
    return data


def mutate_text(text, rng):
    """Lines cut, repeated or garbled: what a hand edit can leave."""
    lines = text.splitlines()
    for _ in range(rng.randint(1, 3)):
        if not lines:
            break
        index = rng.randrange(len(lines))
        choice = rng.random()
        if choice < 0.3:
            del lines[index]
        elif choice < 0.5:
            lines.insert(index, lines[index])
        elif choice < 0.8:
            cut = rng.randrange(len(lines[index]) + 1)
            lines[index] = lines[index][:cut] + rng.choice([":", "[", "]", "{", "- ", "\t", "'", "&a", "*a", ""])
        else:
            lines[index] = " " * rng.randint(1, 6) + lines[index]
    return "\n".join(lines) + "\n"


class ResolverPropertyTest(support.TempDirMixin, unittest.TestCase):
    def load(self, name, text):
        support.write_files(self.tmp, {f"{name}.yaml": text})
        path = os.path.join(self.tmp, f"{name}.yaml")
        try:
            resolved = profile.load(path, support.api(), [support.PROFILES])
            profile_checks.check_backend(resolved, profile_checks.load_catalog(CATALOG), "catalog")
        except SpecError as refused:
            self.assertTrue(refused.path, "a refusal names its file")
            self.assertTrue(refused.reason)

    def test_changed_profiles_load_or_are_refused_with_a_located_error(self):
        rng = random.Random(19)
        sources = PROFILES + [os.path.join(EXAMPLES, name) for name in sorted(os.listdir(EXAMPLES))]
        texts = {}
        for path in sources:
            with open(path, encoding="utf-8") as stream:
                texts[os.path.basename(path)] = stream.read()
        for round_number in range(ROUNDS):
            source = rng.choice(sorted(texts))
            text = texts[source]
            with self.subTest(round=round_number, source=source):
                if rng.random() < 0.5:
                    data = mutate_data(yaml.safe_load(text), rng)
                    text = yaml.safe_dump(data, allow_unicode=True) if data is not None else ""
                else:
                    text = mutate_text(text, rng)
                # A name other than the base's, so that extends never reads this file as its base.
                self.load(f"fuzzed-{round_number}", text)


if __name__ == "__main__":
    unittest.main()
