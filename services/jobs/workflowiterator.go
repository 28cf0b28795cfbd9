package main

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// This file is Twenty's ITERATOR step ({items, initialLoopStepIds}): the steps of its loop
// (those reachable from initialLoopStepIds before the flow comes back to the iterator) run once
// per item, then the iterator's own nextStepIds. Each entry into the iterator is one execution:
// its result is Twenty's {currentItemIndex, currentItem, hasProcessedAllItems}, read by the loop
// as {{iterator.currentItem…}}, and before each item the loop's steps are reset to NOT_STARTED.
// A loop's last step leads back to the iterator: that marks the iterator RUNNING (the run is
// not over) and queues it with the index just done, so a duplicate job computes nothing twice.
// Step jobs carry the indices of the iterators around them; a job of an iteration that is over
// is a duplicate and is dropped. Record ids derived from the run also take the indices, so each
// item's CREATE_RECORD writes its own record.

// maxIterations bounds one iterator's items.
const maxIterations = 10_000

const stepRunning = "RUNNING"

// iteratorResult is Twenty's WorkflowIteratorResult.
type iteratorResult struct {
	CurrentItemIndex     int  `json:"currentItemIndex"`
	CurrentItem          any  `json:"currentItem"`
	HasProcessedAllItems bool `json:"hasProcessedAllItems"`
}

func iteratorResultOf(info *stepInfo) (iteratorResult, bool) {
	if info == nil || info.Result == nil {
		return iteratorResult{}, false
	}
	raw, _ := json.Marshal(info.Result)
	var r iteratorResult
	return r, json.Unmarshal(raw, &r) == nil
}

func initialLoopStepIDs(it workflowStep) []string { return stringsOf(it.input()["initialLoopStepIds"]) }

// allNextSteps are every step a step may lead to, whichever branch it takes.
func allNextSteps(s workflowStep) []string {
	out := slices.Clone(s.NextStepIDs)
	switch s.Type {
	case "IF_ELSE":
		branches, _ := s.input()["branches"].([]any)
		for _, b := range branches {
			if m, ok := b.(map[string]any); ok {
				out = append(out, stringsOf(m["nextStepIds"])...)
			}
		}
	case "ITERATOR":
		out = append(out, initialLoopStepIDs(s)...)
	}
	return out
}

// loopStepIDs are the steps of the iterator's loop.
func loopStepIDs(it workflowStep, steps []workflowStep) map[string]bool {
	in := map[string]bool{}
	queue := initialLoopStepIDs(it)
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		if id == it.ID || in[id] {
			continue
		}
		in[id] = true
		if s, ok := stepByID(steps, id); ok {
			queue = append(queue, allNextSteps(s)...)
		}
	}
	return in
}

// enclosingIterators are the iterators whose loop holds the step, innermost first.
func enclosingIterators(stepID string, steps []workflowStep) []workflowStep {
	type loop struct {
		it   workflowStep
		size int
	}
	var loops []loop
	for _, s := range steps {
		if s.Type == "ITERATOR" && s.ID != stepID {
			if l := loopStepIDs(s, steps); l[stepID] {
				loops = append(loops, loop{s, len(l)})
			}
		}
	}
	slices.SortFunc(loops, func(a, b loop) int { return a.size - b.size })
	out := make([]workflowStep, len(loops))
	for i, l := range loops {
		out[i] = l.it
	}
	return out
}

// iterationKey names the iteration a step runs in ("" outside loops): the indices of the
// iterators around it.
func iterationKey(s *runState, stepID string, steps []workflowStep) string {
	var b strings.Builder
	its := enclosingIterators(stepID, steps)
	slices.SortFunc(its, func(a, b workflowStep) int { return strings.Compare(a.ID, b.ID) })
	for _, it := range its {
		if r, ok := iteratorResultOf(s.StepInfos[it.ID]); ok {
			fmt.Fprintf(&b, "/%s#%d", it.ID, r.CurrentItemIndex)
		}
	}
	return b.String()
}

// iterationIndices are the current indices of the run's iterators, which a step job carries.
func iterationIndices(s *runState, steps []workflowStep) map[string]int {
	var out map[string]int
	for _, st := range steps {
		if st.Type != "ITERATOR" {
			continue
		}
		if r, ok := iteratorResultOf(s.StepInfos[st.ID]); ok {
			if out == nil {
				out = map[string]int{}
			}
			out[st.ID] = r.CurrentItemIndex
		}
	}
	return out
}

// staleIteration reports whether a job of a step inside loops belongs to an iteration that is
// over (a duplicate job).
func staleIteration(s *runState, j stepJob, steps []workflowStep) bool {
	for _, it := range enclosingIterators(j.StepID, steps) {
		want, ok := j.Iter[it.ID]
		if !ok {
			continue
		}
		if r, ok := iteratorResultOf(s.StepInfos[it.ID]); !ok || r.CurrentItemIndex != want {
			return true
		}
	}
	return false
}

// runIterator executes an entry into the iterator: the first (the job carries no index of it)
// or the one after the item the job's index names.
func (e *workflowEngine) runIterator(ctx context.Context, ws string, run *workflowRunRecord, steps []workflowStep, step workflowStep, j stepJob) error {
	info := run.State.StepInfos[step.ID]
	want := 0
	if n, ok := j.Iter[step.ID]; ok {
		want = n + 1
	}
	if cur, ok := iteratorResultOf(info); ok && info.Status == stepSuccess && (cur.CurrentItemIndex >= want || cur.HasProcessedAllItems) {
		if cur.CurrentItemIndex == want {
			return e.advance(ctx, ws, run, steps, step, nil, false) // done before the job was lost
		}
		return nil // a duplicate of an earlier entry
	}
	in, _ := resolveVariables(step.input(), runContext(run.State)).(map[string]any)
	items := in["items"]
	if s, ok := items.(string); ok {
		if err := json.Unmarshal([]byte(s), &items); err != nil {
			items = nil
		}
	}
	list, ok := items.([]any)
	if !ok && items != nil {
		return e.failRun(ctx, ws, run, step.ID, "Iterator input items must be an array")
	}
	if want >= maxIterations {
		return e.failRun(ctx, ws, run, step.ID, "Iterator has reached the maximum number of iterations")
	}
	result := iteratorResult{CurrentItemIndex: want, HasProcessedAllItems: want >= len(list)}
	if len(initialLoopStepIDs(step)) == 0 || len(list) == 0 {
		result = iteratorResult{HasProcessedAllItems: true}
	}
	if !result.HasProcessedAllItems {
		result.CurrentItem = list[want]
		for id := range loopStepIDs(step, steps) {
			run.State.resetStepInfo(id) // its execution for the last item joins its history
		}
	}
	var out any
	raw, _ := json.Marshal(result)
	_ = json.Unmarshal(raw, &out)
	if want > 0 {
		run.State.resetStepInfo(step.ID) // the entry for the last item joins the iterator's history
	}
	run.State.setStepInfo(step.ID, &stepInfo{Status: stepSuccess, Result: out})
	return e.advance(ctx, ws, run, steps, step, &stepOutput{result: out}, true)
}

// iteratorNext are the steps that follow an iterator's execution: its loop while items remain,
// then its nextStepIds.
func iteratorNext(step workflowStep, result any) []string {
	if r, ok := iteratorResultOf(&stepInfo{Result: result}); ok && !r.HasProcessedAllItems {
		return initialLoopStepIDs(step)
	}
	return step.NextStepIDs
}
