using Pprof.Profiles.Go;

namespace Pprof.Report.Tests;

public class GoSortTests
{
    private readonly record struct Item(int Key, int Id);

    private static Item[] Make(int n)
    {
        var xs = new Item[n];
        uint seed = (uint)n;
        for (int i = 0; i < n; i++)
        {
            seed = unchecked(seed * 1103515245 + 12345);
            xs[i] = new Item((int)(seed >> 16) % 7, i);
        }
        return xs;
    }

    // Expected permutations printed by Go 1.19's sort.Slice for the same input (keys with many ties).
    [Theory]
    [InlineData(5, "0 1 4 2 3")]
    [InlineData(13, "7 10 1 12 9 3 6 0 2 8 4 11 5")]
    [InlineData(50, "42 6 41 12 2 33 31 0 40 47 36 34 20 13 24 21 25 9 48 1 45 15 35 11 29 44 43 3 37 7 5 10 32 49 8 22 14 18 38 16 23 26 27 4 30 39 46 19 28 17")]
    [InlineData(100, "0 94 4 58 60 61 31 29 40 2 26 11 62 34 95 77 16 17 18 53 20 75 71 54 66 85 7 13 9 81 28 82 32 33 63 44 25 80 70 5 78 49 45 76 73 42 98 47 96 41 93 83 8 14 21 55 22 57 37 23 36 35 68 27 24 65 90 91 46 48 92 67 72 51 74 84 19 64 39 79 88 87 38 59 10 43 86 6 12 89 50 52 56 99 3 1 69 97 30 15")]
    [InlineData(300, "33 134 139 120 116 159 287 109 167 175 178 11 92 89 82 81 214 78 18 19 220 64 22 271 231 269 239 254 257 261 30 35 34 230 153 31 36 298 126 137 40 41 296 268 253 145 292 249 248 246 146 241 118 26 117 55 238 291 211 154 60 7 286 284 104 102 183 224 184 99 272 71 98 73 74 191 76 77 17 195 274 12 14 200 208 275 212 209 213 280 207 83 265 197 215 192 96 75 72 69 222 229 65 281 21 131 106 169 270 232 161 290 157 233 58 147 234 54 240 244 46 45 142 28 260 125 38 136 135 266 226 205 206 2 91 90 93 3 86 80 140 219 70 221 144 182 181 15 180 149 177 25 152 59 264 174 156 262 39 259 171 245 107 43 48 185 47 44 168 42 258 160 50 236 155 105 114 16 61 63 148 119 121 66 100 165 227 225 67 223 190 143 278 10 194 289 138 294 210 128 129 201 132 203 204 172 252 199 1 87 198 133 295 84 293 4 216 217 123 193 288 8 9 282 141 187 0 186 13 101 179 277 103 276 150 273 173 237 23 53 151 27 267 243 29 32 49 113 37 162 250 251 256 164 176 88 202 166 110 111 158 108 112 263 247 170 130 242 51 52 163 56 20 235 57 115 122 255 24 279 228 188 189 283 68 285 97 6 95 218 5 79 124 94 127 85 196 297 62 299")]
    public void SortPlacesTiesExactlyLikeGo(int n, string expected)
    {
        var xs = Make(n);
        GoSort.Sort(xs, static (a, b) => a.Key < b.Key);
        Assert.Equal(expected, string.Join(' ', xs.Select(x => x.Id)));
    }

    [Fact]
    public void SortHandlesSortedReversedAndLargeInputs()
    {
        var rnd = new Random(42);
        foreach (int n in new[] { 0, 1, 2, 12, 13, 49, 50, 51, 1000, 20000 })
        {
            var asc = Enumerable.Range(0, n).ToArray();
            var desc = asc.Reverse().ToArray();
            var random = asc.Select(_ => rnd.Next(n / 3 + 1)).ToArray();
            foreach (var input in new[] { asc, desc, random })
            {
                var copy = (int[])input.Clone();
                GoSort.Sort(copy, static (a, b) => a < b);
                var expected = input.OrderBy(x => x).ToArray();
                Assert.Equal(expected, copy);
            }
        }
    }

    [Fact]
    public void StableKeepsInputOrderOfTies()
    {
        var xs = Make(300);
        var copy = xs.ToList();
        GoSort.Stable(copy, static (a, b) => a.Key < b.Key);
        Assert.Equal(xs.OrderBy(x => x.Key).ToList(), copy);
    }

    [Theory]
    [InlineData("a", "b", -1)]
    [InlineData("b", "a", 1)]
    [InlineData("ab", "a", 1)]
    [InlineData("", "", 0)]
    [InlineData("\uFFFD", "\U0001F600", -1)] // U+FFFD < U+1F600 in UTF-8 although its UTF-16 unit is larger
    [InlineData("Z", "a", -1)]
    public void CompareStringsUsesUtf8ByteOrder(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(GoSort.CompareStrings(a, b)));
    }
}
