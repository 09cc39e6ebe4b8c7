"""``bireader engines`` and ``bireader models``: which engines and models are ready,
which one ``auto`` uses and why, and installing, checking and removing models.

Only click at import time; the library is imported inside each command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from bireader.translation.catalog import ModelEntry, Status


def _echo(message: str = "") -> None:
    from bireader import cli

    cli._echo(message)


def _warn(message: str) -> None:
    from bireader import cli

    cli._say(f"bireader: warning: {message}")


def _size(entry: ModelEntry) -> str:
    size = entry.size_bytes()
    return f"{size / 1024**2:.0f} MB" if size >= 1024**2 else f"{size / 1024:.0f} KB"


def _model_line(status: Status, indent: str = "") -> list[str]:
    entry = status.entry
    lines = [
        f"{indent}{entry.name}  {entry.kind}  {entry.pair}  {entry.version or '?'}"
        f"  {_size(entry)}  {status.state}  {entry.path}"
    ]
    if status.state != "ready" or status.detail != "passed its self-test":
        lines.append(f"{indent}    {status.detail}")
    return lines


def _auto_line() -> str:
    from bireader.translation.base import AUTO_ORDER, engine_status
    from bireader.translation.catalog import ENGINE_OF_KIND, auto_choice

    model, _ = auto_choice()
    if model is not None:
        return f"auto -> {model.engine} ({model.name} {model.version})"
    neural = set(ENGINE_OF_KIND.values())
    rest = next((n for n in AUTO_ORDER if n not in neural and engine_status(n).ready), None)
    return f"auto -> {rest or 'no engine is ready'}"


@click.command("engines")
def engines_command() -> None:
    """List the translation engines and whether each is ready.

    An engine that is not ready comes with the command that makes it ready; then
    every installed model with its state; the last line names the engine (and the
    model) `--engine auto` uses.
    """
    from bireader.translation.base import engine_names, engine_status
    from bireader.translation.catalog import installed_models, rank, summarize

    statuses = {name: engine_status(name) for name in engine_names()}
    width = max(len(name) for name in statuses)
    for status in statuses.values():
        state = "ready" if status.ready else "not ready"
        _echo(f"{status.name:<{width}}  {state:<9}  {status.detail}")
        if not status.ready and status.fix:
            _echo(f"{'':<{width}}  to fix:    {status.fix}")
    models = sorted(installed_models(), key=rank)
    if models:
        _echo("models (best first):")
        for model_status in summarize(models):
            for line in _model_line(model_status, "  "):
                _echo(line)
    _echo(_auto_line())


@click.group("models")
def models_group() -> None:
    """List, install, check or remove models.

    Argos packages live where argostranslate keeps them (ARGOS_PACKAGES_DIR);
    OPUS-MT and other CTranslate2 models in bireader-models beside them
    (BIREADER_MODELS_DIR).
    """


@models_group.command("list")
def models_list() -> None:
    """List installed models, best first, and auto's pick.

    One line each: name, kind, pair, version, size, state (ready, failing its
    self-test, or broken), directory; then why, when it is not ready.
    """
    from bireader.translation.catalog import installed_models, rank, summarize
    from bireader.translation.models import models_dir, packages_dir

    models = sorted(installed_models(), key=rank)
    if not models:
        _echo(f"no Argos packages installed in {packages_dir()}"
              f" and no other models in {models_dir()}")
        return
    for status in summarize(models):
        for line in _model_line(status):
            _echo(line)
    _echo(_auto_line())


def _report_check(entry: ModelEntry, *, installing: bool) -> bool:
    from bireader.translation.catalog import self_test

    verdict = self_test(entry)
    if verdict.passed:
        _echo(f"self-test: {entry.name} passed")
        return True
    _echo(f"self-test: {entry.name} FAILS: {verdict.reason}")
    _warn(
        f"{entry.name} stays installed but `--engine auto` will not use it;"
        f" use it anyway with --model {entry.name}"
    )
    if installing and entry.kind.startswith("argos") and entry.version.startswith("1.9"):
        from bireader.translation.argos import INSTEAD, UPSTREAM_19

        _warn(f"{UPSTREAM_19}; {INSTEAD}")
    return False


@models_group.command("install")
@click.argument("langs", nargs=-1, metavar="[opus-mt] [FROM TO]")
@click.option(
    "--file",
    "file_",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Install a downloaded .argosmodel or OPUS-MT release .zip (works offline).",
)
@click.option(
    "--dir",
    "dir_",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Install a pre-converted CTranslate2 model directory (works offline).",
)
@click.option(
    "--quantization",
    type=click.Choice(["int8", "int8_float32", "int16", "float16", "float32"]),
    default="int8",
    show_default=True,
    help="OPUS-MT releases: the weights' type after conversion.",
)
def models_install(
    langs: tuple[str, ...], file_: str | None, dir_: str | None, quantization: str
) -> None:
    """Install a model, then self-test it.

    `es en` downloads the Argos package from the Argos index; `opus-mt es en`
    downloads and converts the published OPUS-MT release; --file installs a
    downloaded .argosmodel or OPUS-MT .zip, --dir a CTranslate2 directory (give
    `es en` when their languages cannot be read from them). A model whose
    self-test fails stays installed but is never chosen by `--engine auto`.
    """
    import zipfile

    from bireader.translation import catalog, models, opus_mt

    opus = bool(langs) and langs[0].lower() == "opus-mt"
    pair = tuple(lang.lower() for lang in (langs[1:] if opus else langs))
    if file_ is not None and dir_ is not None:
        raise click.UsageError("give either --file or --dir, not both")
    if pair and len(pair) != 2:
        raise click.UsageError(
            "give FROM TO (e.g. `es en`), `opus-mt es en`, --file FILE or --dir DIR"
        )
    if pair and pair != ("es", "en"):
        raise click.UsageError(
            f"bireader translates Spanish to English: give `es en`, not `{' '.join(langs)}`"
        )
    languages = (pair[0], pair[1]) if pair else None
    if dir_ is not None:
        if opus:
            raise click.UsageError("give either opus-mt or --dir, not both")
        entry = opus_mt.install_dir(dir_, languages)
    elif file_ is not None:
        if opus:
            raise click.UsageError("give either opus-mt or --file, not both")
        release = False
        if zipfile.is_zipfile(file_):
            with zipfile.ZipFile(file_) as archive:
                release = opus_mt.is_release(archive)
        if release:
            entry = opus_mt.install_release(file_, languages, quantization=quantization)
        else:
            if languages is not None:
                raise click.UsageError("an .argosmodel names its languages: give --file alone")
            entry = catalog.entry_from_package(models.install_from_file(file_))
    elif opus:
        if languages is None:
            raise click.UsageError("give the pair: `bireader models install opus-mt es en`")
        from bireader import cli

        cli._say(f"downloading {opus_mt.release_url()}")
        entry = opus_mt.install_published()
    elif languages is not None:
        entry = catalog.entry_from_package(models.install_from_index(*languages))
    else:
        raise click.UsageError(
            "give FROM TO (e.g. `es en`), `opus-mt es en`, --file FILE or --dir DIR"
        )
    _echo(f"installed {entry.name} ({entry.kind}, {entry.pair}, {entry.version or '?'})"
          f" in {entry.path}")
    problem = entry.problem()
    if problem:
        _warn(f"{entry.name} cannot be loaded: {problem}")
        return
    _report_check(entry, installing=True)


@models_group.command("check")
@click.argument("name", required=False)
def models_check(name: str | None) -> None:
    """Self-test NAME (default: every model).

    A few fixed Spanish sentences are translated and the quality guard run on the
    output; a model with degenerate output is marked failing and never chosen by
    `--engine auto`. Exits 3 when a checked model fails.
    """
    from bireader.errors import EngineError
    from bireader.translation.catalog import find_model, installed_models, rank

    chosen = [find_model(name)] if name else sorted(installed_models(), key=rank)
    if not chosen:
        _echo("no models installed")
        return
    failed = 0
    for entry in chosen:
        problem = entry.problem()
        if problem:
            _echo(f"self-test: {entry.name} cannot be loaded: {problem}")
            failed += 1
            continue
        failed += not _report_check(entry, installing=False)
    if failed:
        raise EngineError(f"{failed} of {len(chosen)} models failed their self-test")


@models_group.command("remove")
@click.argument("what", nargs=-1, required=True, metavar="NAME | FROM TO")
def models_remove(what: tuple[str, ...]) -> None:
    """Remove a model by NAME, or every FROM->TO one.

    NAME is a directory name from `bireader models list`, or an Argos package code.
    """
    from bireader.translation import catalog

    if len(what) > 2:
        raise click.UsageError("give a model NAME or FROM TO")
    removed = catalog.remove(what[0], what[1] if len(what) == 2 else None)
    for entry in removed:
        _echo(f"removed {entry.name} {entry.version} ({entry.kind}, {entry.pair})")
