"""The one error type the generator reports: where (file:line) and why."""


class SpecError(Exception):
    """A problem in an input file, located so the user can fix it."""

    def __init__(self, path, line, reason):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")
