package main

import (
	"os"

	"github.com/google/pprof/profile"
)

func write(p *profile.Profile, path string) {
	f, err := os.Create(path)
	if err != nil {
		panic(err)
	}
	if err := p.Write(f); err != nil {
		panic(err)
	}
	f.Close()
}

// tricky builds a profile whose binary is mapped at base, with duplicated functions/locations under different ids.
func tricky(base uint64, idShift uint64, comments []string, t, d, period int64, dflt string, extra bool) *profile.Profile {
	m1 := &profile.Mapping{ID: 1 + idShift, Start: base, Limit: base + 0x10000 - 0x10, Offset: 0, File: "/bin/app", BuildID: "", HasFunctions: true, HasFilenames: true, HasLineNumbers: true, HasInlineFrames: true}
	m2 := &profile.Mapping{ID: 2 + idShift, Start: 0x7f0000000000, Limit: 0x7f0000002000, Offset: 0x1000, File: "/lib/libc.so", BuildID: "abc", HasFunctions: true}
	m3 := &profile.Mapping{ID: 3 + idShift, Start: 0x9000000, Limit: 0x9001000, File: "[vdso]"}
	fMain := &profile.Function{ID: 10 + idShift, Name: "main.main", SystemName: "main.main", Filename: "main.go", StartLine: 3}
	fWork := &profile.Function{ID: 11 + idShift, Name: "main.work(int)", SystemName: "_Z4worki", Filename: "work.cc", StartLine: 10}
	fWorkDup := &profile.Function{ID: 12 + idShift, Name: "main.work(int)", SystemName: "_Z4worki", Filename: "work.cc", StartLine: 10}
	fAnon := &profile.Function{ID: 13 + idShift, Name: "(anonymous namespace)::helper(char)", SystemName: "h", Filename: "anon.cc", StartLine: 1}
	fOp := &profile.Function{ID: 14 + idShift, Name: ".Foo::operator()(int)", SystemName: "op", Filename: "op.cc", StartLine: 5}
	fMalloc := &profile.Function{ID: 15 + idShift, Name: "malloc", SystemName: "malloc", Filename: "malloc.c", StartLine: 0}
	fInl := &profile.Function{ID: 16 + idShift, Name: "main.inlined", SystemName: "main.inlined", Filename: "main.go", StartLine: 20}
	fs := []*profile.Function{fMain, fWork, fWorkDup, fAnon, fOp, fMalloc, fInl}
	L := func(id uint64, m *profile.Mapping, addr uint64, lines ...profile.Line) *profile.Location {
		return &profile.Location{ID: id + idShift, Mapping: m, Address: addr, Line: lines}
	}
	lMain := L(100, m1, base+0x100, profile.Line{Function: fMain, Line: 5})
	lWork := L(101, m1, base+0x200, profile.Line{Function: fInl, Line: 22}, profile.Line{Function: fWork, Line: 12})
	lWorkDup := L(102, m1, base+0x200, profile.Line{Function: fInl, Line: 22}, profile.Line{Function: fWorkDup, Line: 12})
	lAnon := L(103, m1, base+0x300, profile.Line{Function: fAnon, Line: 2})
	lOp := L(104, m1, base+0x400, profile.Line{Function: fOp, Line: 6})
	lMalloc := L(105, m2, 0x7f0000000100, profile.Line{Function: fMalloc, Line: 0})
	lVdso := L(106, m3, 0x9000010)
	lNoMap := L(107, nil, 0x42, profile.Line{Function: fMain, Line: 7})
	lFolded := L(108, m1, base+0x500, profile.Line{Function: fWork, Line: 15})
	lFolded.IsFolded = true
	lUnfolded := L(109, m1, base+0x500, profile.Line{Function: fWork, Line: 15})
	ls := []*profile.Location{lMain, lWork, lWorkDup, lAnon, lOp, lMalloc, lVdso, lNoMap, lFolded, lUnfolded}
	S := func(v0, v1 int64, locs ...*profile.Location) *profile.Sample {
		return &profile.Sample{Value: []int64{v0, v1}, Location: locs}
	}
	s1 := S(1, 100, lWork, lMain)
	s2 := S(2, 200, lWorkDup, lMain) // same as s1 after merge
	s3 := S(3, 300, lMalloc, lAnon, lMain)
	s3.Label = map[string][]string{"a": {"x"}, "b": {"y", "z"}}
	s4 := S(4, 400, lMalloc, lAnon, lMain)
	s4.Label = map[string][]string{"b": {"y", "z"}, "a": {"x"}} // same labels as s3
	s5 := S(5, 500, lMalloc, lAnon, lMain)
	s5.Label = map[string][]string{"b": {"z", "y"}, "a": {"x"}} // different order: different
	s6 := S(6, 600, lOp, lMain)
	s6.NumLabel = map[string][]int64{"bytes": {64}}
	s6.NumUnit = map[string][]string{"bytes": {"bytes"}}
	s7 := S(7, 700, lOp, lMain)
	s7.NumLabel = map[string][]int64{"bytes": {64}}
	s8 := S(8, 800, lOp, lMain)
	s8.NumLabel = map[string][]int64{"bytes": {64}}
	s8.NumUnit = map[string][]string{"bytes": {"kilobytes"}}
	s9 := S(0, 0, lVdso, lMain)                 // zero: dropped
	s10 := S(-9, -900, lFolded, lMain)          // cancels with s11
	s11 := S(9, 900, lFolded, lMain)
	s12 := S(10, 1000, lUnfolded, lMain)
	s13 := S(11, 1100, lNoMap)
	s14 := S(12, 1200)                           // no locations
	s15 := S(13, 0, lVdso, lOp, lAnon, lMain)
	s15.NumLabel = map[string][]int64{"request": {1, 2}, "alignment": {8}, "pid": {3}}
	ss := []*profile.Sample{s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12, s13, s14, s15}
	if extra {
		s16 := S(14, 1400, lWork, lMain)
		s16.Label = map[string][]string{"pprof::base": {"true"}}
		ss = append(ss, s16)
	}
	p := &profile.Profile{
		SampleType:        []*profile.ValueType{{Type: "samples", Unit: "count"}, {Type: "cpu", Unit: "nanoseconds"}},
		DefaultSampleType: dflt,
		Sample:            ss,
		Mapping:           []*profile.Mapping{m1, m2, m3},
		Location:          ls,
		Function:          fs,
		Comments:          comments,
		DropFrames:        "main\\.work.*|malloc",
		KeepFrames:        "main\\.work\\(int\\)",
		TimeNanos:         t,
		DurationNanos:     d,
		PeriodType:        &profile.ValueType{Type: "cpu", Unit: "nanoseconds"},
		Period:            period,
	}
	if err := p.CheckValid(); err != nil {
		panic(err)
	}
	return p
}

func main() {
	dir := os.Args[1]
	write(tricky(0x400000, 0, []string{"c1", "c2"}, 5000, 100, 10, "", false), dir+"/tricky1.pb.gz")
	write(tricky(0x500000, 1000, []string{"c2", "c3"}, 3000, 50, 7, "cpu", true), dir+"/tricky2.pb.gz")
	write(tricky(0x600000, 0, nil, 0, 1, 20, "samples", false), dir+"/tricky3.pb.gz")
}
