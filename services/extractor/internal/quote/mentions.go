package quote

// mentionList is mentions in token order: a document's, or one person's.
// Speakers are found after the names (collectPeople registers them all
// first) and in reading order, so a new mention goes in the middle, each a
// little after the last: the list is a gap buffer, its free room where the
// last mention went, so that putting one in moves only the mentions
// between it and the last, not every later one.
type mentionList struct {
	buf      []mentionAt
	gap, end int // buf[gap:end] is free room
}

func (l *mentionList) len() int { return len(l.buf) - (l.end - l.gap) }

// at is the i-th mention, valid until the next insert.
func (l *mentionList) at(i int) *mentionAt {
	if i >= l.gap {
		i += l.end - l.gap
	}
	return &l.buf[i]
}

// search is the index of the first mention at token index tok or after,
// or l.len().
func (l *mentionList) search(tok int) int {
	lo, hi := 0, l.len()
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if l.at(mid).tok < tok {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// insert puts m at index i.
func (l *mentionList) insert(i int, m mentionAt) {
	if l.gap == l.end {
		after := len(l.buf) - l.end
		buf := make([]mentionAt, max(4, 2*len(l.buf)))
		copy(buf, l.buf[:l.gap])
		copy(buf[len(buf)-after:], l.buf[l.end:])
		l.buf, l.end = buf, len(buf)-after
	}
	if i < l.gap {
		n := l.gap - i
		copy(l.buf[l.end-n:l.end], l.buf[i:l.gap])
		l.gap, l.end = i, l.end-n
	} else if i > l.gap {
		n := i - l.gap
		copy(l.buf[l.gap:i], l.buf[l.end:l.end+n])
		l.gap, l.end = i, l.end+n
	}
	l.buf[l.gap] = m
	l.gap++
}
