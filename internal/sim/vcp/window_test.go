package vcp

import "testing"

func TestReplayWindow(t *testing.T) {
	tests := []struct {
		name    string
		prior   []uint32 // accepted in this order before the probe
		probe   uint32
		want    bool
		counter uint32 // highest counter afterwards
	}{
		{"first", nil, 1, true, 1},
		{"next", []uint32{1}, 2, true, 2},
		{"jump", []uint32{1}, 100, true, 100},
		{"duplicate newest", []uint32{1, 2}, 2, false, 2},
		{"duplicate older", []uint32{5, 3, 9}, 3, false, 9},
		{"gap filled", []uint32{5, 9}, 7, true, 9},
		{"just inside window", []uint32{40}, 8, true, 40},
		{"just outside window", []uint32{40}, 7, false, 40},
		{"old newest remembered after jump", []uint32{10, 42}, 10, false, 42},
		{"edge of window after jump", []uint32{10, 42}, 11, true, 42},
		{"old newest forgotten after long jump", []uint32{10, 43}, 10, false, 43},
		{"history shifts", []uint32{1, 2, 3, 4}, 3, false, 4},
		{"unseen within shifted history", []uint32{1, 3, 4}, 2, true, 4},
		{"max counter", []uint32{1}, 0xffffffff, true, 0xffffffff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w replayWindow
			for _, c := range tt.prior {
				if !w.accept(c) {
					t.Fatalf("prior counter %d rejected", c)
				}
			}
			if got := w.accept(tt.probe); got != tt.want {
				t.Errorf("accept(%d) = %v, want %v", tt.probe, got, tt.want)
			}
			if w.counter != tt.counter {
				t.Errorf("counter = %d, want %d", w.counter, tt.counter)
			}
			if tt.want && w.accept(tt.probe) {
				t.Errorf("accept(%d) twice", tt.probe)
			}
		})
	}
}
