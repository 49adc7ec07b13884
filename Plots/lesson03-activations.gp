# lesson03-activations.gp: draws lesson03-activations.dat (both written by Backprop; edit this file to restyle).
#   cd <this folder> && gnuplot lesson03-activations.gp                      writes lesson03-activations.png
#   cd <this folder> && gnuplot -e 'format="svg"' lesson03-activations.gp    also "pdf", or "dumb" for text
if (!exists("format")) format = "png"
if (!exists("textWidth")) textWidth = 79
if (!exists("textHeight")) textHeight = 24
if (!exists("outputFile")) outputFile = "lesson03-activations".".".format
if (format eq "png") { set terminal pngcairo size 960,820 font "Sans,10" linewidth 1; set output outputFile }
if (format eq "svg") { set terminal svg size 960,820 dynamic font "Sans,10" background rgb "white"; set output outputFile }
if (format eq "pdf") { set terminal pdfcairo size 9.6in,8.2in font "Sans,9"; set output outputFile }
if (format eq "dumb") { set terminal dumb size textWidth,textHeight; set output }
set termoption noenhanced
data = "lesson03-activations.dat"
set multiplot layout 3,3 title "Activation functions h (solid) and their derivatives h′ (dashed)"

# ---- panel 1: linear
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "linear"
set yrange [-4:4]
set key top left noautotitle opaque box lc rgb "#cccccc"
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 0 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 1 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 2: binary_step
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "binary_step"
set yrange [-1.6:1.6]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 2 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 3 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 3: sigmoid
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "sigmoid"
set yrange [-1.6:1.6]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 4 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 5 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 4: tanh
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "tanh"
set yrange [-1.6:1.6]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 6 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 7 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 5: arctan
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "arctan"
set yrange [-1.6:1.6]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 8 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 9 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 6: relu
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "relu"
set yrange [-1.5:4]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 10 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 11 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 7: elu
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "elu"
set yrange [-1.5:4]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 12 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 13 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 8: softplus
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "softplus"
set yrange [-1.5:4]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 14 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 15 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"

# ---- panel 9: prelu (α = 0.25)
reset
set border 3 lc rgb "#555555"
set tics nomirror out
if (format ne "dumb") set grid lc rgb "#e0e0e0" lt 1
set title "prelu (α = 0.25)"
set yrange [-1.5:4]
unset key
if (format eq "dumb") { unset ylabel; unset y2label; set key nobox noopaque }
plot data index 16 using 1:2 with lines lw 2 lc rgb "#1f77b4" title "h", \
     data index 17 using 1:2 with lines lw 2 lc rgb "#ff7f0e" dt 2 title "h′"
unset multiplot
