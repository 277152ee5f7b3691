"""Per-class means over row blocks that equal ``np.mean`` over the whole class, bit for bit.

The engine's confident thresholds are ``np.mean`` of each class's self-confidences, taken in
index order. numpy sums a contiguous array by pairwise summation: an array of at most
``LEAF`` values is summed in one piece (eight interleaved partial sums), a longer one is split
near its middle, at a multiple of eight, and the two halves' sums are added. Adding per-block
sums instead would round differently, and a threshold one unit in the last place off can
move an example across it.

So the blocks reproduce numpy's tree. Once each class's total count is known, its tree is
fixed: a block sums each leaf it holds whole (with numpy, so in numpy's own order) and keeps
the values of a leaf cut by a block boundary; merging adjacent partial results joins the cut
leaves; the leaf sums are then added up the tree. What travels is one number per leaf of
``LEAF / 2`` to ``LEAF`` values, and the values of at most two cut leaves per class and block.
``tests/test_blocks.py`` checks the result against ``np.mean`` for many lengths and cuts,
so that a change of numpy's summation would be noticed.
"""

import numpy as np

#: The longest run numpy sums without splitting (its ``PW_BLOCKSIZE``).
LEAF = 128
#: numpy splits a longer run at a multiple of this (its unrolling factor).
UNROLL = 8


def split(length):
    """Where numpy splits a run of ``length > LEAF`` values."""
    half = length // 2
    return half - half % UNROLL


def leaves_between(length, low, high):
    """The leaves ``(start, stop)`` of a run of ``length`` values that meet ``[low, high)``."""
    found = []
    pending = [(0, length)]
    while pending:
        start, stop = pending.pop()
        if stop <= low or start >= high:
            continue
        if stop - start <= LEAF:
            found.append((start, stop))
            continue
        middle = start + split(stop - start)
        pending.extend([(middle, stop), (start, middle)])
    return found


def block_partial(labels, self_confidence, class_start, class_total):
    """The partial result of one block of rows.

    ``labels`` and ``self_confidence`` are the block's rows, in order; ``class_start[k]`` is
    how many rows of class ``k`` come before the block, ``class_total[k]`` how many there are
    in all. Returns ``(sums, cuts)``: ``sums[(k, leaf_start)]`` is the sum of a whole leaf,
    ``cuts[(k, leaf_start)]`` a list of ``(offset, values)`` pieces of a cut leaf.
    """
    order = np.argsort(labels, kind="stable")
    sorted_labels = labels[order]
    values = self_confidence[order]
    classes, first = np.unique(sorted_labels, return_index=True)
    bounds = np.append(first, len(sorted_labels))
    sums, cuts = {}, {}
    for k, begin, end in zip(classes.tolist(), bounds[:-1], bounds[1:]):
        low = int(class_start[k])
        high = low + int(end - begin)
        for start, stop in leaves_between(int(class_total[k]), low, high):
            piece = values[begin + max(start, low) - low:begin + min(stop, high) - low]
            if start >= low and stop <= high:
                sums[k, start] = np.add.reduce(piece)
            else:
                cuts[k, start] = [(max(start, low) - start, piece)]
    return sums, cuts


def merge(partials, class_total):
    """Merge the partial results of several blocks; leaves made whole are summed."""
    sums, cuts = {}, {}
    for part_sums, part_cuts in partials:
        sums.update(part_sums)
        for key, pieces in part_cuts.items():
            cuts.setdefault(key, []).extend(pieces)
    for (k, start), pieces in list(cuts.items()):
        leaf = leaves_between(int(class_total[k]), start, start + 1)[0]
        if sum(len(values) for _, values in pieces) == leaf[1] - leaf[0]:
            pieces.sort(key=lambda piece: piece[0])
            sums[k, start] = np.add.reduce(np.concatenate([values for _, values in pieces]))
            del cuts[k, start]
    return sums, cuts


def class_means(partial, class_total):
    """Each class's mean as ``np.mean`` gives it; NaN for a class without rows."""
    sums, cuts = partial
    if cuts:
        raise ValueError("Some leaves are still cut: merge the partial results of every block.")

    def total(k, start, length):
        if length <= LEAF:
            return sums[k, start]
        middle = split(length)
        return total(k, start, middle) + total(k, start + middle, length - middle)

    means = []
    for k, count in enumerate(class_total.tolist()):
        if count == 0:
            means.append(np.nan)
            continue
        value = total(k, 0, count)
        # np.mean's own last step: the sum divided by the count as an intp.
        means.append(value.dtype.type(value / np.intp(count)))
    return means
