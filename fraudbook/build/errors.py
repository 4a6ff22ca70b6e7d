"""The build's one error type: every failure a person can fix is reported as a BuildError
(or a DataError, ManifestError or ParameterError from the layer that found it), printed as
one message by the command line, never as a traceback."""


class BuildError(RuntimeError):
    """A step of the build failed; the message says which and why."""
