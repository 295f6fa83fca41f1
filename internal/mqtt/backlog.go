package mqtt

// message is one publish.
type message struct {
	topic   string
	payload []byte // nil: an empty payload (clears a retained message)
	retain  bool
}

// backlog holds the messages not yet published, at most one per topic (a
// newer payload replaces an older one in its place) and at most limit
// topics; beyond that a new topic is dropped and counted. It is not safe
// for concurrent use: the exporter locks it.
type backlog struct {
	limit   int
	order   []string // topics, oldest first
	head    int      // order[head:] are pending
	pending map[string]message
	dropped uint64
}

func newBacklog(limit int) *backlog {
	if limit < 1 {
		limit = 1
	}
	return &backlog{limit: limit, pending: map[string]message{}}
}

// put queues m; it reports false when m was dropped.
func (b *backlog) put(m message) bool {
	if _, ok := b.pending[m.topic]; ok {
		b.pending[m.topic] = m
		return true
	}
	if len(b.pending) >= b.limit {
		b.dropped++
		return false
	}
	b.pending[m.topic] = m
	b.order = append(b.order, m.topic)
	return true
}

// take removes and returns the oldest pending message.
func (b *backlog) take() (message, bool) {
	for b.head < len(b.order) {
		t := b.order[b.head]
		b.head++
		m, ok := b.pending[t]
		if !ok {
			continue
		}
		delete(b.pending, t)
		if b.head == len(b.order) || b.head > 1024 && b.head*2 > len(b.order) {
			b.order = append(b.order[:0], b.order[b.head:]...)
			b.head = 0
		}
		return m, true
	}
	return message{}, false
}

// len is the number of pending topics.
func (b *backlog) len() int { return len(b.pending) }
