package graphql

import (
	"context"
	"strings"
	"testing"
)

func BenchmarkScratchNested(b *testing.B) {
	s, _ := newTestSchema(b, WithCacheSize(0))
	b.ReportAllocs()
	q := "{echo(j:" + strings.Repeat("[", 45000) + strings.Repeat("]", 45000) + ")}"
	for b.Loop() {
		s.Execute(context.Background(), Request{Query: q})
	}
}
