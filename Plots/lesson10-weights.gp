# lesson10-weights.gp: draws lesson10-weights.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson10-weights.gp                      writes lesson10-weights.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson10-weights.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson10-weights".".".format
if (format eq "png") { set terminal pngcairo size 1200,420 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 1200,420 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 12.0in,4.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson10-weights.dat"
set multiplot layout 1,3 title "First-layer weights after training"

# ---- panel 1: no penalty: 1,946 of 160,000 within 0.001 of 0
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "no penalty: 1,946 of 160,000 within 0.001 of 0"
set xlabel "weight"
set ylabel "count"
set logscale y
set format y "%g"
unset key
set yrange [0:*]
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set xtics 0.1
plot data index 0 using 1:2:(0.0050413800610436335) with boxes lc rgb "#1f77b4" fill solid 0.7 border lc rgb "#333333" title "no penalty"

# ---- panel 2: l2(0.002): 14,637 of 160,000 within 0.001 of 0
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "l2(0.002): 14,637 of 160,000 within 0.001 of 0"
set xlabel "weight"
set ylabel "count"
set logscale y
set format y "%g"
unset key
set yrange [0:*]
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set xtics 0.1
plot data index 1 using 1:2:(0.0050413800610436335) with boxes lc rgb "#ff7f0e" fill solid 0.7 border lc rgb "#333333" title "l2(0.002)"

# ---- panel 3: l1(0.001): 153,534 of 160,000 within 0.001 of 0
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "l1(0.001): 153,534 of 160,000 within 0.001 of 0"
set xlabel "weight"
set ylabel "count"
set logscale y
set format y "%g"
unset key
set yrange [0:*]
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set xtics 0.1
plot data index 2 using 1:2:(0.0050413800610436335) with boxes lc rgb "#2ca02c" fill solid 0.7 border lc rgb "#333333" title "l1(0.001)"
unset multiplot
