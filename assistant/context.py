"""A chosen sentence's context: the neighbours that come along with it in an answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from knowledge.chunks import Chunk


def whole_sentence(chunk: Chunk, siblings: Sequence[Chunk]) -> list[Chunk]:
    """The chunk with its neighbours up to the enclosing 。, so an enumeration (a；b；c。) stays whole."""
    i = next((k for k, c in enumerate(siblings) if c.id == chunk.id), None)
    if i is None:
        return [chunk]
    start = i
    while start > 0 and siblings[start - 1].sentence.endswith(("；", ";")):
        start -= 1
    end = i
    while end + 1 < len(siblings) and siblings[end].sentence.endswith(("；", ";")):
        end += 1
    return list(siblings[start : end + 1])


#: A sentence this short ("实行师德“一票否决”。") is a terse rule about what stands next to it: it has
#: too few words to be scored on its own, so it comes along with a chosen neighbour.
SHORT_SENTENCE = 12


def with_short_neighbours(chunks: Sequence[Chunk], siblings_of: Callable[[str], Sequence[Chunk]],
                          keep: Callable[[Chunk], bool]) -> list[Chunk]:
    """The chunks, each with its short neighbours in its clause (those ``keep`` allows), in order."""
    out: list[Chunk] = []
    chosen = set(chunks)
    for chunk in chunks:
        siblings = list(siblings_of(chunk.clause_id))
        i = next((k for k, c in enumerate(siblings) if c.id == chunk.id), None)
        around = [] if i is None else [siblings[k] for k in (i - 1, i + 1) if 0 <= k < len(siblings)]
        short = [c for c in around if len(c.sentence) <= SHORT_SENTENCE and c not in chosen and keep(c)]
        before = [c for c in short if c.position < chunk.position]
        out += [c for c in [*before, chunk, *[c for c in short if c not in before]] if c not in out]
    return out
