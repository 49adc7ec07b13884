# lesson14-filters.gp: draws lesson14-filters.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson14-filters.gp                      writes lesson14-filters.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson14-filters.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson14-filters".".".format
if (format eq "png") { set terminal pngcairo size 1600,420 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1600,420 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 16.0in,4.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson14-filters.dat"
set multiplot layout 2,8 title "Learned 3 × 3 filters (top) and their feature maps of the digit (bottom, before the ReLU keeps the positive part)"

# ---- panel 1: filter 1
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 1"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 0 matrix with image notitle

# ---- panel 2: filter 2
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 2"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 1 matrix with image notitle

# ---- panel 3: filter 3
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 3"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 2 matrix with image notitle

# ---- panel 4: filter 4
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 4"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 3 matrix with image notitle

# ---- panel 5: filter 5
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 5"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 4 matrix with image notitle

# ---- panel 6: filter 6
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 6"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 5 matrix with image notitle

# ---- panel 7: filter 7
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 7"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 6 matrix with image notitle

# ---- panel 8: filter 8
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "filter 8"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.36587176:0.36587176]
set yrange [2.5:-0.5]
set xrange [-0.5:2.5]
set cbtics ("-0.37" -0.36587175726890564, "0" 0, "0.37" 0.36587175726890564)
plot data index 7 matrix with image notitle

# ---- panel 9: map 1
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 1"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 8 matrix with image notitle

# ---- panel 10: map 2
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 2"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 9 matrix with image notitle

# ---- panel 11: map 3
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 3"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 10 matrix with image notitle

# ---- panel 12: map 4
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 4"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 11 matrix with image notitle

# ---- panel 13: map 5
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 5"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 12 matrix with image notitle

# ---- panel 14: map 6
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 6"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 13 matrix with image notitle

# ---- panel 15: map 7
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 7"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 14 matrix with image notitle

# ---- panel 16: map 8
reset
set border 3 lc rgb "#555555"
set tics nomirror out
set title "map 8"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette defined (0 "#2166ac", 0.5 "#f7f7f7", 1 "#b2182b")
set cbrange [-0.9109201:0.9109201]
set yrange [25.5:-0.5]
set xrange [-0.5:25.5]
set cbtics ("-0.91" -0.9109200835227966, "0" 0, "0.91" 0.9109200835227966)
plot data index 15 matrix with image notitle
unset multiplot
