# lesson07-predictions.gp: draws lesson07-predictions.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson07-predictions.gp                      writes lesson07-predictions.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson07-predictions.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson07-predictions".".".format
if (format eq "png") { set terminal pngcairo size 900,700 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 900,700 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 9.0in,7.0in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson07-predictions.dat"
set multiplot layout 4,6 title "Test digits and their predicted classes (✗: wrong, shown inverted)"

# ---- panel 1: 8
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "8"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 0 matrix with image notitle

# ---- panel 2: 3
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "3"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 1 matrix with image notitle

# ---- panel 3: ✗ 9 (is 4)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 9 (is 4)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 2 matrix with image notitle

# ---- panel 4: 7
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "7"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 3 matrix with image notitle

# ---- panel 5: 6
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "6"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 4 matrix with image notitle

# ---- panel 6: 9
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "9"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 5 matrix with image notitle

# ---- panel 7: ✗ 4 (is 3)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 4 (is 3)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 6 matrix with image notitle

# ---- panel 8: 7
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "7"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 7 matrix with image notitle

# ---- panel 9: 0
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "0"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 8 matrix with image notitle

# ---- panel 10: 9
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "9"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 9 matrix with image notitle

# ---- panel 11: 9
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "9"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 10 matrix with image notitle

# ---- panel 12: 1
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "1"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 11 matrix with image notitle

# ---- panel 13: 3
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "3"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 12 matrix with image notitle

# ---- panel 14: 2
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "2"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 13 matrix with image notitle

# ---- panel 15: ✗ 9 (is 4)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 9 (is 4)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 14 matrix with image notitle

# ---- panel 16: 3
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "3"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 15 matrix with image notitle

# ---- panel 17: 8
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "8"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 16 matrix with image notitle

# ---- panel 18: 8
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "8"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray negative
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 17 matrix with image notitle

# ---- panel 19: ✗ 7 (is 5)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 7 (is 5)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 18 matrix with image notitle

# ---- panel 20: ✗ 5 (is 8)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 5 (is 8)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 19 matrix with image notitle

# ---- panel 21: ✗ 9 (is 7)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 9 (is 7)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 20 matrix with image notitle

# ---- panel 22: ✗ 1 (is 7)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 1 (is 7)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 21 matrix with image notitle

# ---- panel 23: ✗ 9 (is 7)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 9 (is 7)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 22 matrix with image notitle

# ---- panel 24: ✗ 8 (is 3)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "✗ 8 (is 3)"
if (format ne "dumb") set size ratio -1
unset border
unset xtics
unset ytics
unset grid
unset colorbox
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set palette gray
set cbrange [0:1]
unset colorbox
set yrange [27.5:-0.5]
set xrange [-0.5:27.5]
plot data index 23 matrix with image notitle
unset multiplot
