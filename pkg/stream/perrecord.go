package stream

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/segmentio/kafka-go"
)

// ErrRetry marks an error that may pass: the batch is handed again later
// instead of dead-lettering the record.
var ErrRetry = errors.New("temporary failure")

// RecordFunc turns one consumed record into the records to produce. An
// error wrapping ErrRetry holds the whole batch back; any other error
// dead-letters the record.
type RecordFunc func(ctx context.Context, msg kafka.Message) ([]kafka.Message, error)

// PerRecord is a Handler that applies fn to each record of a batch on up to
// workers goroutines, keeps the outputs in input order, and turns a panic
// into a dead letter for that record alone.
func PerRecord(fn RecordFunc, workers int) Handler {
	if workers < 1 {
		workers = 1
	}
	return perRecord{fn: fn, workers: workers}
}

type perRecord struct {
	fn      RecordFunc
	workers int
}

type recordOutcome struct {
	out []kafka.Message
	err error
}

func (p perRecord) Handle(ctx context.Context, batch []kafka.Message) (Result, error) {
	outcomes := make([]recordOutcome, len(batch))
	if p.workers == 1 || len(batch) == 1 {
		for i, msg := range batch {
			outcomes[i] = p.call(ctx, msg)
		}
	} else {
		next := make(chan int)
		var wg sync.WaitGroup
		for range min(p.workers, len(batch)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					outcomes[i] = p.call(ctx, batch[i])
				}
			}()
		}
		for i := range batch {
			next <- i
		}
		close(next)
		wg.Wait()
	}

	var res Result
	for i, o := range outcomes {
		switch {
		case o.err == nil:
			res.Produce = append(res.Produce, o.out...)
		case errors.Is(o.err, ErrRetry):
			return Result{}, o.err
		default:
			res.Dead = append(res.Dead, Failure{Msg: batch[i], Err: o.err})
		}
	}
	return res, nil
}

func (p perRecord) call(ctx context.Context, msg kafka.Message) (o recordOutcome) {
	defer func() {
		if r := recover(); r != nil {
			o = recordOutcome{err: fmt.Errorf("panic while processing record: %v\n%s", r, debug.Stack())}
		}
	}()
	out, err := p.fn(ctx, msg)
	return recordOutcome{out: out, err: err}
}
