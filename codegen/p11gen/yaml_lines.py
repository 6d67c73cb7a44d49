"""YAML loading that remembers where each mapping and key came from.

Error messages must name file and line, so every mapping is loaded as a
LocatedDict that knows its own line and the line of each key, and every
sequence as a LocatedList that knows the line of each item.
"""
import yaml

from .errors import SpecError


class LocatedDict(dict):
    path = ""
    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.key_lines = {}

    def line_of(self, key):
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    path = ""
    line = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_lines = []

    def line_of(self, index):
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def _make_loader(path):
    class Loader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node):
        result = LocatedDict()
        result.path = path
        result.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise SpecError(path, key_node.start_mark.line + 1, f"duplicate key '{key}'")
            result[key] = loader.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader, node):
        result = LocatedList()
        result.path = path
        result.line = node.start_mark.line + 1
        for item in node.value:
            result.append(loader.construct_object(item, deep=True))
            result.item_lines.append(item.start_mark.line + 1)
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


def load(path):
    """Loads a YAML file into LocatedDict/LocatedList; syntax errors become SpecError."""
    path = str(path)
    try:
        with open(path, encoding="utf-8") as stream:
            text = stream.read()
    except OSError as exc:
        raise SpecError(path, 0, f"cannot read: {exc.strerror}") from None
    try:
        data = yaml.load(text, Loader=_make_loader(path))  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SpecError(path, mark.line + 1 if mark else 0, str(exc.problem or exc)) from None
    if not isinstance(data, LocatedDict):
        raise SpecError(path, 1, "the top level must be a mapping")
    return data
