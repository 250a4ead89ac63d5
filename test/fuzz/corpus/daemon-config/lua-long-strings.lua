x = [==[ ]] ]=] ]==]
y = [[
--]]
z = "\
\z   \x41\u{10FFFF}\999"
--[[ block
comment ]]
