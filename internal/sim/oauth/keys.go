package oauth

import (
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/rand/v2"
)

// The signing key is derived from Options.Seed so that a simulator restarted
// with the same seed keeps accepting the access tokens it issued before.
// crypto/rsa.GenerateKey ignores its reader since Go 1.26, so the two primes
// are searched here from seeded ChaCha8 streams (a sieve of small primes, a
// base-2 Fermat test, then Baillie-PSW). The key is a simulator's key, not a
// secret worth protecting, but it is still never logged.
//
// Cost: about 90 ms for both primes on one core; the primes are searched
// in parallel and only when the first token is signed or verified.

const (
	rsaBits     = 2048
	rsaExponent = 65537
)

// smallPrimes are the odd primes below 20000, used to sieve candidates.
var smallPrimes = func() []uint64 {
	const limit = 20000
	composite := make([]bool, limit)
	var ps []uint64
	for i := 3; i < limit; i += 2 {
		if composite[i] {
			continue
		}
		ps = append(ps, uint64(i))
		for j := i * i; j < limit; j += 2 * i {
			composite[j] = true
		}
	}
	return ps
}()

// seededKey derives the RSA-2048 signing key and its key id from seed.
func seededKey(seed int64) (*rsa.PrivateKey, string, error) {
	primes := make([]*big.Int, 2)
	done := make(chan int, 2)
	for i := range primes {
		go func() {
			primes[i] = seededPrime(seed, i, rsaBits/2)
			done <- i
		}()
	}
	<-done
	<-done
	p, q := primes[0], primes[1]
	if p.Cmp(q) == 0 {
		return nil, "", fmt.Errorf("oauth: derived equal primes")
	}
	one := big.NewInt(1)
	phi := new(big.Int).Mul(new(big.Int).Sub(p, one), new(big.Int).Sub(q, one))
	d := new(big.Int).ModInverse(big.NewInt(rsaExponent), phi)
	if d == nil {
		return nil, "", fmt.Errorf("oauth: derived key has no private exponent")
	}
	key := &rsa.PrivateKey{
		PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: rsaExponent},
		D:         d,
		Primes:    []*big.Int{p, q},
	}
	key.Precompute()
	if err := key.Validate(); err != nil {
		return nil, "", fmt.Errorf("oauth: derived key: %w", err)
	}
	return key, keyID(&key.PublicKey), nil
}

// seededPrime returns a prime of exactly bits bits (top two bits set, so
// that the product of two has 2*bits bits) with p-1 coprime to the exponent.
func seededPrime(seed int64, index, bits int) *big.Int {
	var s [32]byte
	binary.BigEndian.PutUint64(s[:8], uint64(seed))
	s = sha256.Sum256(append(s[:8], fmt.Sprintf("teslafleet-sim rsa prime %d", index)...))
	rng := rand.NewChaCha8(s)

	buf := make([]byte, bits/8)
	base := new(big.Int)
	tmp := new(big.Int)
	rem := make([]uint64, len(smallPrimes))
	one, two, e := big.NewInt(1), big.NewInt(2), big.NewInt(rsaExponent)
	for {
		_, _ = rng.Read(buf)
		buf[0] |= 0xC0
		buf[len(buf)-1] |= 1
		base.SetBytes(buf)
		for i, sp := range smallPrimes {
			rem[i] = tmp.Mod(base, tmp.SetUint64(sp)).Uint64()
		}
	step:
		for delta := uint64(0); delta < 1<<16; delta += 2 {
			for i, sp := range smallPrimes {
				if (rem[i]+delta)%sp == 0 {
					continue step
				}
			}
			c := new(big.Int).Add(base, tmp.SetUint64(delta))
			if c.BitLen() != bits {
				break
			}
			cm1 := new(big.Int).Sub(c, one)
			if tmp.Exp(two, cm1, c).Cmp(one) != 0 {
				continue
			}
			if tmp.Mod(cm1, e).Sign() == 0 || !c.ProbablyPrime(0) {
				continue
			}
			return c
		}
	}
}

// keyID is the key's RFC 7638 thumbprint (SHA-256 over the canonical JWK),
// truncated to 20 bytes: 27 base64url characters, the length of Tesla's kids.
func keyID(pub *rsa.PublicKey) string {
	canon := fmt.Sprintf(`{"e":%q,"kty":"RSA","n":%q}`, b64(big.NewInt(int64(pub.E)).Bytes()), b64(pub.N.Bytes()))
	sum := sha256.Sum256([]byte(canon))
	return b64(sum[:20])
}

// b64 is unpadded base64url, as JOSE uses.
func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
