using Pprof.Runtime.Tracing;
using Pprof.Traces;

namespace Pprof.Runtime.Tests;

/// <summary>In-process execution traces: <see cref="Profiler.StartTrace"/>/<see cref="Profiler.StopTrace"/> record what
/// <see cref="ExecutionTrace"/> annotates, through awaits and across threads, and the annotations cost nothing while no
/// trace records.</summary>
[Collection("runtime")]
public sealed class ExecutionTraceTests
{
    [Fact]
    public async Task TasksRegionsAndLogsFlowThroughAsyncCodeIntoTheTrace()
    {
        string file = Path.Combine(Path.GetTempPath(), $"inproc-{Guid.NewGuid():N}.nettrace");
        long taskId, regionTask, awaitedTask;
        try
        {
            using (var output = File.Create(file))
            {
                Profiler.StartTrace(output);
                try
                {
                    Assert.True(ExecutionTrace.IsEnabled);
                    Assert.Throws<ProfilerException>(() => Profiler.StartTrace(Stream.Null));
                    using (var task = ExecutionTrace.NewTask("checkout"))
                    {
                        taskId = task.Id;
                        Assert.NotEqual(0, taskId);
                        using (var cartRegion = ExecutionTrace.StartRegion("load-cart"))
                        {
                            regionTask = cartRegion.TaskId;
                            // Leave this thread: the task flows with the execution context.
                            await Task.Run(async () =>
                            {
                                await Task.Delay(30).ConfigureAwait(false);
                                ExecutionTrace.Log("cart", "loaded");
                            });
                        }
                        awaitedTask = ExecutionTrace.CurrentTaskId;
                        using (var child = ExecutionTrace.NewTask("pay")) Assert.NotEqual(taskId, child.Id);
                        Assert.Equal(taskId, ExecutionTrace.CurrentTaskId);
                    }
                    Assert.Equal(0, ExecutionTrace.CurrentTaskId);
                    // Thread names are sent once a second: give the namer a tick.
                    await Task.Delay(1200);
                }
                finally
                {
                    Profiler.StopTrace();
                }
            }
            Assert.Throws<InvalidOperationException>(Profiler.StopTrace);
            Assert.Equal(taskId, regionTask);
            Assert.Equal(taskId, awaitedTask);

            var trace = NetTrace.Read(file);
            var checkout = Assert.Single(trace.Spans, s => s.Kind == "task" && s.Name == "checkout");
            Assert.Equal(taskId, checkout.Id);
            Assert.True(checkout.EndNanos > checkout.StartNanos);
            var pay = Assert.Single(trace.Spans, s => s.Kind == "task" && s.Name == "pay");
            Assert.Equal(taskId, pay.TaskId); // the parent
            var region = Assert.Single(trace.Spans, s => s.Kind == "region" && s.Name == "load-cart");
            Assert.Equal(taskId, region.TaskId);
            Assert.True(region.DurationNanos >= 29_000_000, $"region {region.DurationNanos / 1e6:0.0}ms around a 30 ms delay");
            var log = Assert.Single(trace.Instants, i => i.Kind == "log" && i.Name == "cart");
            Assert.Equal("loaded", log.Detail);
            Assert.Equal(taskId, log.TaskId);
            Assert.InRange(log.TimeNanos, region.StartNanos, region.EndNanos);
            if (OperatingSystem.IsLinux()) Assert.Contains(trace.Threads, t => t.Name == ".NET Finalizer");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void AnnotationsAllocateNothingWhileNoTraceRecords()
    {
        Assert.False(ExecutionTrace.IsEnabled);
        // Warm up (JIT, statics).
        long ids = Annotate();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++) ids += Annotate();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(0, ids);

        static long Annotate()
        {
            using var task = ExecutionTrace.NewTask("t");
            long id = task.Id;
            using (var region = ExecutionTrace.StartRegion("r"))
            {
                ExecutionTrace.Log("c", "m");
                id += region.Id;
            }
            return id;
        }
    }
}
