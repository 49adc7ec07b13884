# lesson01-vectors.gp: draws lesson01-vectors.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson01-vectors.gp                      writes lesson01-vectors.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson01-vectors.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson01-vectors".".".format
if (format eq "png") { set terminal pngcairo size 640,560 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 640,560 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 6.4in,5.6in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson01-vectors.dat"

# ---- panel 1: A, B, A + B and the same arrows rotated by 45°
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "A, B, A + B and the same arrows rotated by 45°"
set xlabel "x"
set ylabel "y"
set xrange [-1:2]
set yrange [-0.25:2.25]
if (format ne "dumb") set size ratio -1
set key top left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
set label "A" at 0.5,1.0 offset 0.6,0.4
set label "B" at 1.0,0.25 offset 0.6,0.4
set label "A + B" at 1.5,1.25 offset 0.6,0.4
set label "R·A" at -0.3535533905932737,1.0606601717798214 offset 0.6,0.4
set label "R·B" at 0.5303300858899107,0.8838834764831843 offset 0.6,0.4
set label "R·(A + B)" at 0.1767766952966371,1.9445436482630056 offset 0.6,0.4
plot data index 0 using 1:2 with lines lw 1 lc rgb "#aaaaaa" dt 2 notitle, \
     data index 1 using 1:2:3:4 with vectors head filled size screen 0.015,20 lw 2 lc rgb "#1f77b4" title "A, B", \
     data index 2 using 1:2:3:4 with vectors head filled size screen 0.015,20 lw 2 lc rgb "#ff7f0e" title "A + B", \
     data index 3 using 1:2:3:4 with vectors head filled size screen 0.015,20 lw 2 lc rgb "#1f77b4" dt 2 title "R·A, R·B", \
     data index 4 using 1:2:3:4 with vectors head filled size screen 0.015,20 lw 2 lc rgb "#ff7f0e" dt 2 title "R·(A + B)"
