/** Units (calls or stream messages) the handlers of this server process have served; read over each window. */
export const served = { units: 0 };
