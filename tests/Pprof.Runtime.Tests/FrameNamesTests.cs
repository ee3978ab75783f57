using Pprof.Runtime.Internal;

namespace Pprof.Runtime.Tests;

public sealed class FrameNamesTests
{
    private const string DictionaryOfLists = "System.Collections.Generic.Dictionary<string,System.Collections.Generic.List<int>>";

    [Theory]
    [InlineData("System.Threading.WaitHandle.WaitOneNoCheck(int32,bool,class System.Object,value class WaitHandleWaitSourceMap)", "System.Threading.WaitHandle.WaitOneNoCheck")]
    [InlineData("Ns.Outer+<RunAsync>d__3.MoveNext()", "Ns.Outer.RunAsync")]
    [InlineData("Program+<>c__DisplayClass0_0.<<Main>$>b__1()", "Program.Main.func1")]
    [InlineData("Pprof.Runtime.Tests.ProfileAssert+<>c__DisplayClass0_0`1[System.Double].<CollectDuring>b__2()", "Pprof.Runtime.Tests.ProfileAssert.CollectDuring.func2")]
    [InlineData("Ns.Type..ctor(int32)", "Ns.Type..ctor")]
    [InlineData("Ns.Type..cctor()", "Ns.Type..cctor")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.__Canon,System.Int32].TryInsert(!0,!1,value class InsertionBehavior)", "System.Collections.Generic.Dictionary<__Canon,int>.TryInsert")]
    [InlineData("Ns.C.<Main>g__Local|0_0(int32)", "Ns.C.Main.Local")]
    [InlineData("Ns.Outer+Inner.Method()", "Ns.Outer.Inner.Method")]
    [InlineData("[OptimizedTier1]Ns.C.M()", "Ns.C.M")]
    // Explicit interface members of iterators: a '>' of the interface's generic argument follows the generated name.
    [InlineData("Ns.Outer+<Items>d__5.System.Collections.Generic.IEnumerator<T>.get_Current()", "Ns.Outer.Items.get_Current")]
    [InlineData("Ns.Outer+<Items>d__5.System.Collections.Generic.IEnumerator`1[System.Int32].get_Current()", "Ns.Outer.Items.get_Current")]
    public void Formats(string raw, string expected) => Assert.Equal(expected, FrameNames.Format(raw));

    [Theory]
    [InlineData("System.Byte[]", "byte[]")]
    [InlineData("System.Int32[,]", "int[,]")]
    [InlineData("System.Collections.Generic.List`1[System.String]", "System.Collections.Generic.List<string>")]
    [InlineData("Ns.Outer+Inner", "Ns.Outer.Inner")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.String,Ns.Outer+Inner][]", "System.Collections.Generic.Dictionary<string,Ns.Outer.Inner>[]")]
    // One spelling whatever the source: event and reflection names, assembly-qualified arguments, ClrMD's names.
    [InlineData("System.String", "string")]
    [InlineData("System.Object[][]", "object[][]")]
    [InlineData("System.Collections.Generic.Dictionary`2[System.String,System.Collections.Generic.List`1[System.Int32]]", DictionaryOfLists)]
    [InlineData("System.Collections.Generic.Dictionary`2[[System.String, System.Private.CoreLib, Version=10.0.0.0, Culture=neutral, PublicKeyToken=7cec85d7bea7798e],[System.Collections.Generic.List`1[[System.Int32, System.Private.CoreLib]], System.Private.CoreLib]]", DictionaryOfLists)]
    [InlineData("System.Collections.Generic.Dictionary<System.String, System.Collections.Generic.List<System.Int32>>", DictionaryOfLists)]
    [InlineData("System.Collections.Generic.Dictionary+Entry<System.String, System.Int32>[]", "System.Collections.Generic.Dictionary.Entry<string,int>[]")]
    [InlineData("", "[unknown type]")]
    public void FormatsTypes(string raw, string expected) => Assert.Equal(expected, TypeNames.Format(raw));
}
