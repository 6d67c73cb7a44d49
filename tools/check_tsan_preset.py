#!/usr/bin/python3
"""The tsan preset builds only the targets its tests run (CMakePresets.json:
buildPresets.tsan.targets, testPresets.tsan.filter). A test the filter
selects whose program (or module under test) is not among those targets
would be left out of the ThreadSanitizer run without a word: this fails
instead. Run in a build folder where every target is built (the default one).

    check_tsan_preset.py CMakePresets.json BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys


def preset(presets, kind, name):
    return next(p for p in presets[kind] if p["name"] == name)


def main():
    presets_path, build_dir = sys.argv[1], sys.argv[2]
    with open(presets_path, encoding="utf-8") as f:
        presets = json.load(f)
    targets = set(preset(presets, "buildPresets", "tsan")["targets"])
    name_filter = preset(presets, "testPresets", "tsan")["filter"]["include"]["name"]
    listed = subprocess.run(["ctest", "--show-only=json-v1"], cwd=build_dir, check=True,
                            capture_output=True, text=True).stdout
    selected = [t for t in json.loads(listed)["tests"] if re.search(name_filter, t["name"])]
    missing = []
    for test in selected:
        command = test.get("command", [])
        if not command:
            missing.append(f"{test['name']}: no command (its program is not built here)")
            continue
        programs = [command[0]] + [arg for arg in command[1:] if arg.endswith(".so")]
        for program in programs:
            target = os.path.basename(program)
            if target.endswith(".so"):
                target = target[:-3]
            if target not in targets and target != "cmake":
                missing.append(f"{test['name']}: {target}")
    if len(selected) < 2:
        missing.append(f"the filter {name_filter!r} selects {len(selected)} tests here: build every target first")
    for line in missing:
        print(f"tsan preset: not built for {line}")
    print(f"tsan preset: {len(selected)} tests selected, {len(targets)} targets built")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
