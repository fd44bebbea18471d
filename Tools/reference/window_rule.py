"""The window rule of the tokenizers issue, shared by the fixture generators and the benchmark:
windows of `width` content tokens start at 0, width//2, 2·(width//2), …, stopping with the first
window that reaches the end; at most `width` tokens are one window."""


def windows(n, width=254):
    if n <= width:
        return [(0, n)]
    out, start = [], 0
    while True:
        end = min(start + width, n)
        out.append((start, end))
        if end == n:
            return out
        start += width // 2
