package main

import (
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"

	"github.com/google/pprof/profile"
)

func rx(s string) *regexp.Regexp {
	if s == "-" {
		return nil
	}
	return regexp.MustCompile(s)
}

func main() {
	var stack []*profile.Profile
	args := os.Args[1:]
	top := func() *profile.Profile { return stack[len(stack)-1] }
	for i := 0; i < len(args); i++ {
		a := args[i]
		next := func() string { i++; return args[i] }
		switch a {
		case "load":
			f, err := os.Open(next())
			if err != nil {
				panic(err)
			}
			p, err := profile.Parse(f)
			if err != nil {
				panic(err)
			}
			stack = append(stack, p)
		case "merge":
			n, _ := strconv.Atoi(next())
			srcs := stack[len(stack)-n:]
			p, err := profile.Merge(srcs)
			if err != nil {
				fmt.Println("error:", err)
				return
			}
			stack = append(stack[:len(stack)-n], p)
		case "compact":
			stack[len(stack)-1] = top().Compact()
		case "filter":
			f, ig, h, s := rx(next()), rx(next()), rx(next()), rx(next())
			fm, im, hm, hnm := top().FilterSamplesByName(f, ig, h, s)
			fmt.Println("filter:", fm, im, hm, hnm)
		case "showfrom":
			fmt.Println("showfrom:", top().ShowFrom(rx(next())))
		case "prunefrom":
			top().PruneFrom(rx(next()))
		case "prune":
			d, k := rx(next()), rx(next())
			top().Prune(d, k)
		case "ru":
			fmt.Println("ru:", top().RemoveUninteresting())
		case "agg":
			b := next()
			err := top().Aggregate(b[0] == '1', b[1] == '1', b[2] == '1', b[3] == '1', b[4] == '1')
			fmt.Println("agg:", err)
		case "scale":
			r, _ := strconv.ParseFloat(next(), 64)
			top().Scale(r)
		case "normalize":
			base := top()
			stack = stack[:len(stack)-1]
			fmt.Println("normalize:", top().Normalize(base))
		case "tags":
			sm, hm := top().FilterTagsByName(rx(next()), rx(next()))
			fmt.Println("tags:", sm, hm)
		case "setlabel":
			k := next()
			top().SetLabel(k, []string{next()})
		case "removelabel":
			top().RemoveLabel(next())
		case "units":
			u, ig := top().NumLabelUnits()
			var ks []string
			for k := range u {
				ks = append(ks, k)
			}
			sort.Strings(ks)
			for _, k := range ks {
				fmt.Printf("unit %s=%s ignored=%v\n", k, u[k], ig[k])
			}
		case "index":
			name := next()
			if name == "''" {
				name = ""
			}
			idx, err := top().SampleIndexByName(name)
			fmt.Println("index:", idx, err)
		case "print":
			p := top()
			t, d := p.TimeNanos, p.DurationNanos
			p.TimeNanos, p.DurationNanos = 0, 0
			fmt.Print(p.String())
			p.TimeNanos, p.DurationNanos = t, d
			fmt.Printf("Time=%d Dur=%d Drop=%q Keep=%q Default=%q\n", t, d, p.DropFrames, p.KeepFrames, p.DefaultSampleType)
		case "write":
			f, _ := os.Create(next())
			top().Write(f)
			f.Close()
		default:
			panic("bad op " + a)
		}
	}
}
