package main

import "fmt"

// line 5
// line 6
// line 7
// line 8
// line 9
func foo() {
	x := 1
	bar(x)
	bar(x + 1)
	fmt.Println(x)
}
// filler 16
// filler 17
// filler 18
// filler 19
func bar(x int) {
	if x > 0 {
		spin()
	}
}
// tail 25
// tail 26
// tail 27
// tail 28
// tail 29
// tail 30
