"""The project's exceptions: one base type, two kinds.

- :class:`Refused`: the request was not carried out because its input is wrong (an
  unknown parameter, a bad scenario, invalid data, a run folder that exists). Nothing
  ran and nothing was written. The CLI exits with status 2.
- :class:`Failed`: the request was valid but doing it failed (a chapter cell raised,
  Sphinx warned). Earlier outputs are left as they were. The CLI exits with status 1.

Every message names the file, row, column or parameter at fault and says what was
expected.
"""


class StpBookError(Exception):
    """A problem a reader can act on."""


class Refused(StpBookError):
    """A request refused before anything ran (exit status 2)."""


class Failed(StpBookError):
    """A request that ran and failed (exit status 1)."""


class ParameterError(Refused):
    """A chapter parameter or scenario value that is unknown, mistyped or out of range."""


class DataError(Refused):
    """A data file that is missing, malformed or breaks its schema."""


class LayoutError(Refused):
    """No book folder could be found, or a path would leave the book's folders."""


class ExecutionError(Failed):
    """A chapter notebook that failed while executing."""


class BuildError(Failed):
    """The HTML book (or a teaching document) failed to build."""
