package vcp

// windowSize is how many counters behind the highest accepted one are still
// accepted (once each) to tolerate out-of-order delivery.
const windowSize = 32

// replayWindow tracks the anti-replay counters accepted from one signer in one
// domain: the highest accepted counter and a bitmask of the windowSize
// counters below it (bit i set = counter-(i+1) already seen).
type replayWindow struct {
	counter uint32
	seen    uint32
}

// accept reports whether n is fresh and, if so, records it.
func (w *replayWindow) accept(n uint32) bool {
	switch {
	case n > w.counter:
		shift := n - w.counter
		if shift > windowSize {
			w.seen = 0
		} else {
			// The old highest counter becomes bit shift-1. Go defines shifts
			// by >= 32 as 0, so shift == windowSize drops the old history.
			w.seen = w.seen<<shift | 1<<(shift-1)
		}
		w.counter = n
		return true
	case n == w.counter:
		return false
	default:
		back := w.counter - n
		if back > windowSize {
			return false
		}
		bit := uint32(1) << (back - 1)
		if w.seen&bit != 0 {
			return false
		}
		w.seen |= bit
		return true
	}
}
