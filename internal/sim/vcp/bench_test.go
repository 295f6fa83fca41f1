package vcp

import (
	"testing"

	universal "github.com/teslamotors/vehicle-command/pkg/protocol/protobuf/universalmessage"
)

// BenchmarkHandleCommand measures verifying and executing one signed
// Infotainment command with an encrypted reply (what every SDK command costs
// the simulator).
func BenchmarkHandleCommand(b *testing.B) {
	clk, rec := newFakeClock(), newRecorder()
	car := newTestCar(b, clk, rec)
	s := newSigner(b, universal.Domain_DOMAIN_INFOTAINMENT)
	if err := car.AddKey(s.pub()); err != nil {
		b.Fatal(err)
	}
	s.handshake(car)
	payload := hvacOn(b)
	msgs := make([][]byte, b.N)
	for i := range msgs {
		msgs[i] = s.command(payload, msgOpts{flags: 2})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if f := fault(decodeReply(b, car.Handle(msgs[i]))); f != faultNone {
			b.Fatalf("fault %v", f)
		}
		if i%1024 == 0 {
			rec.take()
		}
	}
}

// BenchmarkHandshake measures answering a session info request.
func BenchmarkHandshake(b *testing.B) {
	car := newTestCar(b, newFakeClock(), newRecorder())
	s := newSigner(b, universal.Domain_DOMAIN_INFOTAINMENT)
	if err := car.AddKey(s.pub()); err != nil {
		b.Fatal(err)
	}
	req := s.handshakeRequest(randBytes(16))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		car.Handle(req)
	}
}
